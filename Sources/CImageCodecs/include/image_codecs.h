int ldm_image_codecs_placeholder(void);
