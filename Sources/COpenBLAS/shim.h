// Declarations only: swift-ldm loads libopenblas with dlopen after choosing OPENBLAS_CORETYPE, so these
// typedefs give Swift the C function types of the symbols it looks up, without linking the library.
#include <cblas.h>

typedef __typeof__(cblas_sgemm) *ldm_cblas_sgemm_fn;
typedef __typeof__(openblas_set_num_threads) *ldm_openblas_set_num_threads_fn;
typedef __typeof__(openblas_get_num_threads) *ldm_openblas_get_num_threads_fn;
typedef __typeof__(openblas_get_corename) *ldm_openblas_get_corename_fn;
typedef __typeof__(openblas_get_config) *ldm_openblas_get_config_fn;
