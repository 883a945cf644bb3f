#ifndef LDM_JPEG_ERRORS_H
#define LDM_JPEG_ERRORS_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>

/*
 * A libjpeg error manager that longjmps instead of calling exit(), after writing libjpeg's message
 * into the caller's buffer. Warnings are treated as errors: libjpeg warns about a truncated file or
 * corrupt data and would go on to return an image with grey patches.
 */
typedef struct {
    struct jpeg_error_mgr library; /* first, so libjpeg's pointer to it is a pointer to this struct */
    jmp_buf jump;
    char *message;
    size_t capacity;
} ldm_jpeg_errors;

/** Sets up `errors` to report into `message` and returns the manager to store in `info.err`. */
struct jpeg_error_mgr *ldm_jpeg_errors_install(ldm_jpeg_errors *errors, char *message, size_t capacity);

/** True when the error that jumped was libjpeg failing to allocate memory. */
int ldm_jpeg_errors_out_of_memory(const ldm_jpeg_errors *errors);

#endif
