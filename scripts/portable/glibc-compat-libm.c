/* glibc 2.27 and 2.29 gave exp, exp2, log, log2, pow (and their float forms) new symbol versions
 * that differ only in SVID errno handling. Linking against a 2.31 sysroot binds the new ones; each
 * wrapper here binds the base version instead, which every glibc keeps. Hidden visibility: the
 * wrappers serve the binary alone. Portable release build only (scripts/build-release). */
#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc-compat-libm.c: add this architecture's base glibc version"
#endif

#define BASE_VERSION(type, name, params, args)                              \
    type name##_base params;                                                \
    __asm__(".symver " #name "_base, " #name "@" GLIBC_BASE);               \
    type name params { return name##_base args; }

BASE_VERSION(double, exp, (double x), (x))
BASE_VERSION(double, exp2, (double x), (x))
BASE_VERSION(double, log, (double x), (x))
BASE_VERSION(double, log2, (double x), (x))
BASE_VERSION(double, pow, (double x, double y), (x, y))
BASE_VERSION(float, expf, (float x), (x))
BASE_VERSION(float, exp2f, (float x), (x))
BASE_VERSION(float, logf, (float x), (x))
BASE_VERSION(float, log2f, (float x), (x))
BASE_VERSION(float, powf, (float x, float y), (x, y))
