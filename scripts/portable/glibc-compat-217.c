/* What remains between glibc 2.27 and 2.17 (CentOS 7, Amazon Linux 2): glob's 2.27 version and
 * getrandom/getentropy (2.25). Hidden visibility: these serve the binary alone. Portable release
 * build only (scripts/build-release). */
#include <errno.h>
#include <glob.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__x86_64__)
#define GLIBC_BASE "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_BASE "GLIBC_2.17"
#else
#error "glibc-compat-217.c: add this architecture's base glibc version"
#endif

/* 2.27 versioned glob for GLOB_ALTDIRFUNC's larger struct; perfgate never passes that flag. */
int glob_base(const char *pattern, int flags, int (*on_error)(const char *, int), glob_t *found);
__asm__(".symver glob_base, glob@" GLIBC_BASE);
int glob(const char *pattern, int flags, int (*on_error)(const char *, int), glob_t *found) {
    return glob_base(pattern, flags, on_error, found);
}

/* The system call, as glibc's own wrapper makes it (Linux 3.17 or newer; older kernels answer
 * ENOSYS, which callers of getrandom already handle). */
ssize_t getrandom(void *buffer, size_t length, unsigned int flags) {
    return (ssize_t)syscall(SYS_getrandom, buffer, length, flags);
}

/* As glibc's: at most 256 bytes, all of them or an error. */
int getentropy(void *buffer, size_t length) {
    if (length > 256) {
        errno = EIO;
        return -1;
    }
    unsigned char *next = buffer;
    while (length > 0) {
        ssize_t got = getrandom(next, length, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        next += got;
        length -= (size_t)got;
    }
    return 0;
}
