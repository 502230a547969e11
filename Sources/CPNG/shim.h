#include <png.h>

// The simplified API's format and flag macros combine other macros, which Swift does not import;
// these constants carry them across.
static const png_uint_32 shoplook_png_format_rgb = PNG_FORMAT_RGB;
static const png_uint_32 shoplook_png_format_rgba = PNG_FORMAT_RGBA;
static const png_uint_32 shoplook_png_format_flag_alpha = PNG_FORMAT_FLAG_ALPHA;
static const png_uint_32 shoplook_png_image_version = PNG_IMAGE_VERSION;
static const png_uint_32 shoplook_png_image_flag_16bit_srgb = PNG_IMAGE_FLAG_16BIT_sRGB;
