#ifndef PERFGATE_ARGUMENTS_H
#define PERFGATE_ARGUMENTS_H
/// The program's own argc and argv, as glibc passed them to the program's initializers; 0 and NULL
/// if it did not.
int perfgate_argument_count(void);
char *const *perfgate_argument_values(void);
#endif
