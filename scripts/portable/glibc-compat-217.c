/* What remains between glibc 2.28 and 2.17 (CentOS 7, Amazon Linux 2): fcntl64 (2.28, which
 * SQLite's static library calls), glob's 2.27 version and getrandom/getentropy (2.25). Hidden visibility: these serve the binary alone. Portable release
 * build only (scripts/build-release). */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
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

/* 2.28's fcntl64 is fcntl on 64-bit systems (off_t is 64 bits already); its third argument, an
 * int or a pointer, is read as a pointer, as glibc's own wrapper reads it. The link binds
 * fcntl64 to it by --wrap (scripts/build-release): SQLite's archive meets libc's fcntl64
 * before this object, and the linker would keep libc's. */
int fcntl_base(int descriptor, int command, ...);
__asm__(".symver fcntl_base, fcntl@" GLIBC_BASE);
int __wrap_fcntl64(int descriptor, int command, ...) {
    va_list arguments;
    va_start(arguments, command);
    void *argument = va_arg(arguments, void *);
    va_end(arguments);
    return fcntl_base(descriptor, command, argument);
}

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
