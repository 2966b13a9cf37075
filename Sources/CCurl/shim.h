#ifndef PERFGATE_CCURL_SHIM_H
#define PERFGATE_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/epoll.h>

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
// The URL API (7.62), looked up at run time too: with libcurl 7.61, URLParts parses a strict subset
// of URLs itself.
typedef CURLU *(*perfgate_url_function)(void);
typedef void (*perfgate_url_cleanup_function)(CURLU *url);
typedef CURLUcode (*perfgate_url_set_function)(CURLU *url, CURLUPart part, const char *content, unsigned int flags);
typedef CURLUcode (*perfgate_url_get_function)(CURLU *url, CURLUPart part, char **content, unsigned int flags);
// CurlMulti's wake-up pipe (glibc 2.9); the system headers declare it only under _GNU_SOURCE.
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
// The multi_socket API (7.15.4, so every libcurl perfgate runs on): libcurl says which sockets to
// watch and when its next timeout is due; CurlMulti watches them with epoll and tells libcurl
// which socket is ready, so each event costs the transfers of that socket, not all of them.
typedef int (*perfgate_socket_callback)(CURL *easy, curl_socket_t socket, int what, void *context, void *socketContext);
typedef int (*perfgate_timer_callback)(CURLM *multi, long milliseconds, void *context);
static inline CURLMcode perfgate_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}
static inline CURLMcode perfgate_multi_socket_callback(CURLM *multi, perfgate_socket_callback callback, void *context) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
    return code != CURLM_OK ? code : curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, context);
}
static inline CURLMcode perfgate_multi_timer_callback(CURLM *multi, perfgate_timer_callback callback, void *context) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
    return code != CURLM_OK ? code : curl_multi_setopt(multi, CURLMOPT_TIMERDATA, context);
}
// epoll_event is packed on x86_64, which Swift does not import faithfully: fd-only wrappers.
static inline int perfgate_epoll_watch(int epoll, int fd, unsigned int events, int modify) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = 0;
    event.data.fd = fd;
    return epoll_ctl(epoll, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
}
static inline int perfgate_epoll_unwatch(int epoll, int fd) {
    struct epoll_event event = {0};
    return epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event);
}
// Up to 64 ready descriptors and their events.
static inline int perfgate_epoll_wait(int epoll, int *fds, unsigned int *events, int milliseconds) {
    struct epoll_event ready[64];
    int count = epoll_wait(epoll, ready, 64, milliseconds);
    for (int index = 0; index < count; index++) {
        fds[index] = ready[index].data.fd;
        events[index] = ready[index].events;
    }
    return count;
}
// A finished transfer's message: its handle and result (the result is in a union).
static inline int perfgate_multi_done(CURLMsg *message, CURL **handle, CURLcode *result) {
    if (message->msg != CURLMSG_DONE) return 0;
    *handle = message->easy_handle;
    *result = message->data.result;
    return 1;
}
#endif
