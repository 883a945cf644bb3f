#include <stdlib.h>
#include <string.h>

#include "codec_support.h"
#include "image_codecs.h"
#include "jpeg_errors.h"

/* Everything that cleanup needs after a longjmp; it lives outside the frame that calls setjmp. */
typedef struct {
    struct jpeg_compress_struct info;
    ldm_jpeg_errors errors;
    unsigned char *output; /* grown by libjpeg's memory destination with malloc */
    unsigned long size;
} jpeg_encoding;

static ldm_codec_status encode(jpeg_encoding *job, const unsigned char *pixels, int width, int height,
                               int channels, int quality) {
    if (setjmp(job->errors.jump)) {
        return ldm_jpeg_errors_out_of_memory(&job->errors) ? LDM_CODEC_OUT_OF_MEMORY : LDM_CODEC_UNSUPPORTED;
    }
    struct jpeg_compress_struct *info = &job->info;
    jpeg_create_compress(info);
    jpeg_mem_dest(info, &job->output, &job->size);
    info->image_width = (JDIMENSION)width;
    info->image_height = (JDIMENSION)height;
    info->input_components = channels;
    info->in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(info);
    jpeg_set_quality(info, quality, TRUE);
    jpeg_start_compress(info, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (info->next_scanline < info->image_height) {
        /* libjpeg's row type is not const, but compression only reads it. */
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info->next_scanline * stride);
        jpeg_write_scanlines(info, &row, 1);
    }
    jpeg_finish_compress(info);
    return LDM_CODEC_OK;
}

ldm_codec_status ldm_jpeg_encode(const unsigned char *pixels, int width, int height, int channels,
                                 int quality, unsigned char **output, size_t *size, char *message,
                                 size_t capacity) {
    *output = NULL;
    *size = 0;
    if ((channels != 1 && channels != 3) || width <= 0 || height <= 0 || quality < 1 || quality > 100) {
        ldm_codec_set_message(message, capacity, "JPEG encoding needs 1 or 3 channels, a non-empty image "
                                                 "and a quality in 1...100");
        return LDM_CODEC_UNSUPPORTED;
    }
    jpeg_encoding job;
    memset(&job, 0, sizeof job);
    job.info.err = ldm_jpeg_errors_install(&job.errors, message, capacity);
    ldm_codec_status status = encode(&job, pixels, width, height, channels, quality);
    jpeg_destroy_compress(&job.info);
    if (status == LDM_CODEC_OK) {
        *output = job.output;
        *size = job.size;
    } else {
        free(job.output);
    }
    return status;
}
