#include "jpeg_errors.h"

#include <jerror.h>

#include "codec_support.h"

static void fail(j_common_ptr info) {
    ldm_jpeg_errors *errors = (ldm_jpeg_errors *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    ldm_codec_set_message(errors->message, errors->capacity, text);
    longjmp(errors->jump, 1);
}

/* level −1 is a warning (fatal here); higher levels are trace messages, which are dropped. */
static void emit(j_common_ptr info, int level) {
    if (level < 0) fail(info);
}

struct jpeg_error_mgr *ldm_jpeg_errors_install(ldm_jpeg_errors *errors, char *message, size_t capacity) {
    struct jpeg_error_mgr *manager = jpeg_std_error(&errors->library);
    manager->error_exit = fail;
    manager->emit_message = emit;
    errors->message = message;
    errors->capacity = capacity;
    return manager;
}

int ldm_jpeg_errors_out_of_memory(const ldm_jpeg_errors *errors) {
    return errors->library.msg_code == JERR_OUT_OF_MEMORY;
}
