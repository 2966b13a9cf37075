// The command line, captured where glibc hands it over: it calls each function in .init_array with
// (argc, argv, envp). Seen with Swift 6.3's static runtime: in a chroot without /proc mounted,
// CommandLine.arguments comes back empty (the runtime looks in /proc/self), and perfgate printed
// its help and exited 0 instead of running the command it was given.
#include "arguments.h"

static int captured_count;
static char *const *captured_values;

static void capture(int count, char **values, char **environment) {
    (void)environment;
    captured_count = count;
    captured_values = values;
}

__attribute__((section(".init_array"), used)) static void (*const perfgate_capture_arguments)(int, char **, char **) = capture;

int perfgate_argument_count(void) { return captured_count; }
char *const *perfgate_argument_values(void) { return captured_values; }
