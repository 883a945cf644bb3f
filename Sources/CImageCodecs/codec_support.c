#include "codec_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image_codecs.h"

void ldm_codec_set_message(char *message, size_t capacity, const char *text) {
    if (message == NULL || capacity == 0) return;
    size_t length = strlen(text);
    if (length >= capacity) length = capacity - 1;
    memcpy(message, text, length);
    message[length] = '\0';
}

unsigned char *ldm_codec_allocate_pixels(size_t width, size_t height, size_t channels) {
    if (width == 0 || height == 0 || channels == 0) return NULL;
    if (width > SIZE_MAX / height || width * height > SIZE_MAX / channels) return NULL;
    return malloc(width * height * channels);
}

void ldm_codec_free(void *buffer) { free(buffer); }
