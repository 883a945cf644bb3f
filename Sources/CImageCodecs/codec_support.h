#ifndef LDM_CODEC_SUPPORT_H
#define LDM_CODEC_SUPPORT_H

#include <stddef.h>

/* Helpers shared by the JPEG and PNG code of this target (not part of its public header). */

/** Copies `text` into `message` (capacity bytes, always NUL-terminated, truncated if need be). */
void ldm_codec_set_message(char *message, size_t capacity, const char *text);

/** A fresh width × height × channels byte buffer, or NULL when that overflows or malloc fails. */
unsigned char *ldm_codec_allocate_pixels(size_t width, size_t height, size_t channels);

#endif
