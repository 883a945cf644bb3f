#include <string.h>
#include <hdf5.h>

// H5T_NATIVE_FLOAT and friends are macros that call H5open(); Swift cannot import them.
static inline hid_t ldm_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t ldm_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t ldm_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t ldm_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t ldm_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t ldm_h5p_link_create(void) { return H5P_LINK_CREATE; }

// Constants defined with casts or calls, which Swift does not import either.
static inline hid_t ldm_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t ldm_h5e_default(void) { return H5E_DEFAULT; }
static inline hsize_t ldm_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t ldm_h5t_variable(void) { return H5T_VARIABLE; }
static inline unsigned ldm_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned ldm_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned ldm_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }

// Stops HDF5 printing its error stack to stderr on this thread (each thread has its own stack).
static inline void ldm_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct {
    char *text;
    size_t capacity;
} ldm_h5_message;

static inline herr_t ldm_h5_keep_innermost(unsigned depth, const H5E_error2_t *error, void *context) {
    ldm_h5_message *message = (ldm_h5_message *)context;
    if (depth == 0 && error->desc != NULL && message->capacity > 0) {
        strncpy(message->text, error->desc, message->capacity - 1);
        message->text[message->capacity - 1] = '\0';
    }
    return 0;
}

// Copies the description of the most specific error on this thread's stack (where HDF5 first
// detected it, e.g. "file signature not found") into `text`; leaves it empty when there is none.
static inline void ldm_h5_innermost_error(char *text, size_t capacity) {
    if (capacity == 0) return;
    text[0] = '\0';
    ldm_h5_message message = {text, capacity};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, ldm_h5_keep_innermost, &message);
}
