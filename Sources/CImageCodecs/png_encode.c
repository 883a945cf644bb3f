#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "codec_support.h"
#include "image_codecs.h"

/* libpng's simplified writer keeps its own setjmp inside; it reports failure in image.message. */
ldm_codec_status ldm_png_encode(const unsigned char *pixels, int width, int height, int channels,
                                unsigned char **output, size_t *size, char *message, size_t capacity) {
    *output = NULL;
    *size = 0;
    static const png_uint_32 formats[] = {0, PNG_FORMAT_GRAY, 0, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
    if (channels < 1 || channels > 4 || channels == 2 || width <= 0 || height <= 0) {
        ldm_codec_set_message(message, capacity, "PNG encoding needs 1, 3 or 4 channels and a non-empty image");
        return LDM_CODEC_UNSUPPORTED;
    }
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = formats[channels];

    png_alloc_size_t bound = PNG_IMAGE_PNG_SIZE_MAX(image);
    unsigned char *buffer = malloc(bound);
    if (buffer == NULL) {
        ldm_codec_set_message(message, capacity, "cannot allocate the PNG buffer");
        return LDM_CODEC_OUT_OF_MEMORY;
    }
    png_alloc_size_t written = bound;
    if (!png_image_write_to_memory(&image, buffer, &written, 0, pixels, 0, NULL)) {
        ldm_codec_set_message(message, capacity, image.message);
        png_image_free(&image);
        free(buffer);
        return LDM_CODEC_UNSUPPORTED;
    }
    unsigned char *shrunk = realloc(buffer, written);
    *output = shrunk != NULL ? shrunk : buffer;
    *size = written;
    return LDM_CODEC_OK;
}
