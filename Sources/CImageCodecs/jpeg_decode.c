#include <stdlib.h>
#include <string.h>

#include "codec_support.h"
#include "image_codecs.h"
#include "jpeg_errors.h"

/* Everything that cleanup needs after a longjmp; it lives outside the frame that calls setjmp. */
typedef struct {
    struct jpeg_decompress_struct info;
    ldm_jpeg_errors errors;
    unsigned char *pixels;
    unsigned char *cmyk_row;
} jpeg_decoding;

/* (x · y) / 255, rounded. */
static unsigned char scale(unsigned x, unsigned y) { return (unsigned char)((x * y + 127) / 255); }

/*
 * One row of CMYK to RGB: R = (255 − C)(255 − K) / 255, and so on. Adobe applications write the
 * four channels inverted (255 − value) and mark the file with an Adobe segment.
 */
static void cmyk_row_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t width, int inverted) {
    for (size_t x = 0; x < width; x++, cmyk += 4, rgb += 3) {
        unsigned k = inverted ? cmyk[3] : 255u - cmyk[3];
        for (int c = 0; c < 3; c++) {
            unsigned ink = inverted ? cmyk[c] : 255u - cmyk[c];
            rgb[c] = scale(ink, k);
        }
    }
}

static ldm_codec_status decode(jpeg_decoding *job, const unsigned char *data, size_t size,
                               ldm_decoded_image *image, char *message, size_t capacity) {
    if (setjmp(job->errors.jump)) {
        return ldm_jpeg_errors_out_of_memory(&job->errors) ? LDM_CODEC_OUT_OF_MEMORY : LDM_CODEC_CORRUPT;
    }
    struct jpeg_decompress_struct *info = &job->info;
    jpeg_create_decompress(info);
    jpeg_mem_src(info, data, (unsigned long)size);
    jpeg_read_header(info, TRUE);

    int cmyk = 0;
    switch (info->jpeg_color_space) {
    case JCS_GRAYSCALE: info->out_color_space = JCS_GRAYSCALE; break;
    case JCS_YCbCr: case JCS_RGB: info->out_color_space = JCS_RGB; break;
    case JCS_CMYK: case JCS_YCCK: info->out_color_space = JCS_CMYK; cmyk = 1; break;
    default:
        ldm_codec_set_message(message, capacity, "unsupported JPEG colour space");
        return LDM_CODEC_UNSUPPORTED;
    }
    jpeg_start_decompress(info);

    size_t width = info->output_width, height = info->output_height;
    int channels = cmyk ? 3 : info->output_components;
    job->pixels = ldm_codec_allocate_pixels(width, height, (size_t)channels);
    if (cmyk) job->cmyk_row = ldm_codec_allocate_pixels(width, 1, 4);
    if (job->pixels == NULL || (cmyk && job->cmyk_row == NULL)) {
        ldm_codec_set_message(message, capacity, "cannot allocate the decoded image");
        return LDM_CODEC_OUT_OF_MEMORY;
    }
    while (info->output_scanline < info->output_height) {
        unsigned char *row = job->pixels + (size_t)info->output_scanline * width * (size_t)channels;
        JSAMPROW target = cmyk ? job->cmyk_row : row;
        jpeg_read_scanlines(info, &target, 1);
        if (cmyk) cmyk_row_to_rgb(job->cmyk_row, row, width, info->saw_Adobe_marker);
    }
    jpeg_finish_decompress(info);

    image->pixels = job->pixels;
    image->width = (int)width;
    image->height = (int)height;
    image->channels = channels;
    job->pixels = NULL; /* now the caller's */
    return LDM_CODEC_OK;
}

ldm_codec_status ldm_jpeg_decode(const unsigned char *data, size_t size, ldm_decoded_image *image,
                                 char *message, size_t capacity) {
    memset(image, 0, sizeof *image);
    jpeg_decoding job;
    memset(&job, 0, sizeof job);
    job.info.err = ldm_jpeg_errors_install(&job.errors, message, capacity);
    ldm_codec_status status = decode(&job, data, size, image, message, capacity);
    jpeg_destroy_decompress(&job.info);
    free(job.cmyk_row);
    free(job.pixels);
    return status;
}
