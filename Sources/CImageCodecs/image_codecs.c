#include "image_codecs.h"
int ldm_image_codecs_placeholder(void) { return 0; }
