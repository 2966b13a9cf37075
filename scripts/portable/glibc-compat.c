/* Symbols newer glibc versions added that GCC 12's static libstdc++.a (linked into the portable
 * binary) needs. Compiled with -fvisibility=hidden, so they serve the binary alone and never
 * interpose on a library's calls. Only the portable release build links this file
 * (scripts/build-release); debug and test builds never see it. */
#include <sys/syscall.h>
#include <unistd.h>

/* glibc 2.32. 0 means "maybe multi-threaded": always correct, only slower in a single thread. */
char __libc_single_threaded = 0;

/* glibc 2.36, for libstdc++'s std::random_device. The system call, as glibc's own does it. */
unsigned int arc4random(void) {
    unsigned int value;
    while (syscall(SYS_getrandom, &value, sizeof value, 0) != (long)sizeof value) {
    }
    return value;
}
