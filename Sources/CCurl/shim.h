#ifndef PERFGATE_CCURL_SHIM_H
#define PERFGATE_CCURL_SHIM_H
#include <curl/curl.h>

// libcurl 7.61 and later at run time, whichever headers the build saw (the portable release build
// compiles against Debian 11's, libcurl 7.74). CURLOPT_PROTOCOLS_STR arrived in 7.85; an older
// libcurl answers CURLE_UNKNOWN_OPTION to it and CurlTransfer then sets the legacy bitmask options
// below, which 7.85 deprecated but every version still honours. The numbers are libcurl's ABI.
#if LIBCURL_VERSION_NUM < 0x075500
static const CURLoption CURLOPT_PROTOCOLS_STR = (CURLoption)(CURLOPTTYPE_STRINGPOINT + 318);
#endif
static const CURLoption perfgate_legacy_protocols = (CURLoption)(CURLOPTTYPE_LONG + 181);
static const CURLoption perfgate_legacy_redirect_protocols = (CURLoption)(CURLOPTTYPE_LONG + 188);
static const long perfgate_protocols_http_https = (1 << 0) | (1 << 1);  // CURLPROTO_HTTP | CURLPROTO_HTTPS
// curl_multi_poll (7.66) and curl_multi_wakeup (7.68), looked up at run time (CurlFeatures), so the
// binary starts on libcurl 7.61 and waits with curl_multi_wait there.
typedef CURLMcode (*perfgate_multi_poll_function)(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout, int *ready);
typedef CURLMcode (*perfgate_multi_wakeup_function)(CURLM *multi);
// The URL API (7.62), looked up at run time too: with libcurl 7.61, URLParts parses a strict subset
// of URLs itself.
typedef CURLU *(*perfgate_url_function)(void);
typedef void (*perfgate_url_cleanup_function)(CURLU *url);
typedef CURLUcode (*perfgate_url_set_function)(CURLU *url, CURLUPart part, const char *content, unsigned int flags);
typedef CURLUcode (*perfgate_url_get_function)(CURLU *url, CURLUPart part, char **content, unsigned int flags);
// The wake-up pipe of that fallback (glibc 2.9); the system headers declare it only under _GNU_SOURCE.
extern int pipe2(int ends[2], int flags);

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
