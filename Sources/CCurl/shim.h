#ifndef PERFGATE_CCURL_SHIM_H
#define PERFGATE_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: typed wrappers.
static inline CURLcode perfgate_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode perfgate_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode perfgate_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*perfgate_data_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode perfgate_setopt_callback(CURL *handle, CURLoption option, perfgate_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}
static inline CURLcode perfgate_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode perfgate_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
// curl_multi_setopt is variadic too.
static inline CURLMcode perfgate_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}
// A finished transfer's message: its handle and result (the result is in a union).
static inline int perfgate_multi_done(CURLMsg *message, CURL **handle, CURLcode *result) {
    if (message->msg != CURLMSG_DONE) return 0;
    *handle = message->easy_handle;
    *result = message->data.result;
    return 1;
}
#endif
