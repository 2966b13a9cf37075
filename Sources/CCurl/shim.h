#ifndef PERFGATE_CCURL_SHIM_H
#define PERFGATE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
