#ifndef PERFGATE_CYAML_SHIM_H
#define PERFGATE_CYAML_SHIM_H
#include <yaml.h>
#endif
