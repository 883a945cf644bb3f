#ifndef LDM_IMAGE_CODECS_H
#define LDM_IMAGE_CODECS_H

#include <stddef.h>

/*
 * JPEG and PNG in memory, behind plain functions that return a status.
 *
 * libjpeg and libpng report errors by longjmp (libjpeg's default handler even calls exit()), which
 * Swift must never see: every setjmp/longjmp stays in this target. Pixels are 8-bit, interleaved
 * height × width × channels, rows top to bottom. Every buffer these functions return is released
 * with ldm_codec_free. On failure, `message` (capacity bytes) receives a NUL-terminated reason from
 * the library, and no buffer is returned.
 */

typedef enum {
    LDM_CODEC_OK = 0,
    /** The data is truncated or corrupt (the message says how). */
    LDM_CODEC_CORRUPT = 1,
    /** A valid file this code does not handle, or arguments it refuses. */
    LDM_CODEC_UNSUPPORTED = 2,
    LDM_CODEC_OUT_OF_MEMORY = 3,
} ldm_codec_status;

/** Decoded pixels: width × height × channels bytes, owned by the caller (ldm_codec_free). */
typedef struct {
    unsigned char *pixels;
    int width;
    int height;
    int channels;
} ldm_decoded_image;

/**
 * Decodes a baseline or progressive JPEG: greyscale gives 1 channel, YCbCr and RGB give 3, CMYK and
 * YCCK are converted to 3-channel RGB (Adobe files store CMYK inverted). Strict: data libjpeg only
 * warns about (a truncated file, corrupt entropy data) is reported as LDM_CODEC_CORRUPT instead of
 * being decoded with grey patches.
 */
ldm_codec_status ldm_jpeg_decode(const unsigned char *data, size_t size, ldm_decoded_image *image,
                                 char *message, size_t capacity);

/**
 * Decodes a PNG of any colour type and bit depth to 8 bits per channel: grey stays 1 channel,
 * RGB and palette images give 3, any alpha (an alpha channel or a tRNS chunk) gives RGBA. 16-bit
 * samples keep their high byte; sub-byte grey is scaled to 0…255. Gamma chunks are ignored.
 */
ldm_codec_status ldm_png_decode(const unsigned char *data, size_t size, ldm_decoded_image *image,
                                char *message, size_t capacity);

/** Encodes 1 (grey), 3 (RGB) or 4 (RGBA) channel pixels as an 8-bit PNG in *output (*size bytes). */
ldm_codec_status ldm_png_encode(const unsigned char *pixels, int width, int height, int channels,
                                unsigned char **output, size_t *size, char *message, size_t capacity);

/** Encodes 1 (grey) or 3 (RGB) channel pixels as a baseline JPEG of the given quality (1…100). */
ldm_codec_status ldm_jpeg_encode(const unsigned char *pixels, int width, int height, int channels,
                                 int quality, unsigned char **output, size_t *size, char *message,
                                 size_t capacity);

/** Releases a buffer returned by any function above. */
void ldm_codec_free(void *buffer);

#endif
