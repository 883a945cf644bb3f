#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "codec_support.h"
#include "image_codecs.h"

/* Everything that cleanup needs after a longjmp; it lives outside the frame that calls setjmp. */
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
    size_t capacity;
    png_structp png;
    png_infop info;
    unsigned char *pixels;
    png_bytep *rows;
} png_decoding;

static void PNGCBAPI on_error(png_structp png, png_const_charp text) {
    png_decoding *job = png_get_error_ptr(png);
    ldm_codec_set_message(job->message, job->capacity, text);
    png_longjmp(png, 1);
}

/* Warnings (an odd ICC profile, a bad ancillary chunk that libpng skips) do not stop decoding. */
static void PNGCBAPI on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void PNGCBAPI read_from_memory(png_structp png, png_bytep target, size_t count) {
    png_decoding *job = png_get_io_ptr(png);
    if (count > job->size - job->offset) png_error(png, "unexpected end of file");
    memcpy(target, job->data + job->offset, count);
    job->offset += count;
}

/* Asks libpng for 8-bit grey, RGB or RGBA, whatever the file's colour type and bit depth. */
static void request_eight_bit_output(png_structp png, png_infop info) {
    int color_type = png_get_color_type(png, info);
    int has_transparency = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) {
        png_set_expand_gray_1_2_4_to_8(png);
    }
    if (has_transparency) png_set_tRNS_to_alpha(png);
    if (color_type == PNG_COLOR_TYPE_GRAY_ALPHA || (color_type == PNG_COLOR_TYPE_GRAY && has_transparency)) {
        png_set_gray_to_rgb(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

static ldm_codec_status decode(png_decoding *job, ldm_decoded_image *image) {
    if (setjmp(png_jmpbuf(job->png))) return LDM_CODEC_CORRUPT;
    png_set_read_fn(job->png, job, read_from_memory);
    png_read_info(job->png, job->info);
    request_eight_bit_output(job->png, job->info);

    size_t width = png_get_image_width(job->png, job->info);
    size_t height = png_get_image_height(job->png, job->info);
    int channels = png_get_channels(job->png, job->info);
    job->pixels = ldm_codec_allocate_pixels(width, height, (size_t)channels);
    job->rows = malloc(height * sizeof(png_bytep));
    if (job->pixels == NULL || job->rows == NULL) {
        ldm_codec_set_message(job->message, job->capacity, "cannot allocate the decoded image");
        return LDM_CODEC_OUT_OF_MEMORY;
    }
    for (size_t y = 0; y < height; y++) job->rows[y] = job->pixels + y * width * (size_t)channels;
    png_read_image(job->png, job->rows);
    png_read_end(job->png, NULL);

    image->pixels = job->pixels;
    image->width = (int)width;
    image->height = (int)height;
    image->channels = channels;
    job->pixels = NULL; /* now the caller's */
    return LDM_CODEC_OK;
}

ldm_codec_status ldm_png_decode(const unsigned char *data, size_t size, ldm_decoded_image *image,
                                char *message, size_t capacity) {
    memset(image, 0, sizeof *image);
    png_decoding job;
    memset(&job, 0, sizeof job);
    job.data = data;
    job.size = size;
    job.message = message;
    job.capacity = capacity;
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    if (job.png != NULL) job.info = png_create_info_struct(job.png);
    if (job.info == NULL) {
        png_destroy_read_struct(&job.png, NULL, NULL);
        ldm_codec_set_message(message, capacity, "cannot allocate libpng's state");
        return LDM_CODEC_OUT_OF_MEMORY;
    }
    ldm_codec_status status = decode(&job, image);
    png_destroy_read_struct(&job.png, &job.info, NULL);
    free(job.rows);
    free(job.pixels);
    return status;
}
