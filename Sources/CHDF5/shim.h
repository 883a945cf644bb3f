#include <hdf5.h>

// H5T_NATIVE_FLOAT and friends are macros that call H5open(); Swift cannot import them.
static inline hid_t ldm_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t ldm_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t ldm_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t ldm_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
