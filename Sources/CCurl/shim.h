#pragma once
#include <curl/curl.h>

// curl_easy_setopt / curl_easy_getinfo / curl_share_setopt are variadic, which Swift cannot
// call. These typed shims pin down the argument type per option kind.

static inline CURLcode imagebot_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_str(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_ptr(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_blob(CURL *h, CURLoption o, struct curl_blob *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_share(CURL *h, CURLSH *v) {
    return curl_easy_setopt(h, CURLOPT_SHARE, v);
}
static inline CURLcode imagebot_easy_setopt_write(CURL *h, CURLoption o, curl_write_callback v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode imagebot_easy_setopt_xferinfo(CURL *h, curl_xferinfo_callback v) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, v);
}
static inline CURLcode imagebot_easy_getinfo_long(CURL *h, CURLINFO i, long *out) {
    return curl_easy_getinfo(h, i, out);
}
static inline CURLcode imagebot_easy_getinfo_str(CURL *h, CURLINFO i, char **out) {
    return curl_easy_getinfo(h, i, out);
}

static inline CURLSHcode imagebot_share_setopt_long(CURLSH *s, CURLSHoption o, long v) {
    return curl_share_setopt(s, o, v);
}
static inline CURLSHcode imagebot_share_setopt_ptr(CURLSH *s, CURLSHoption o, void *v) {
    return curl_share_setopt(s, o, v);
}
static inline CURLSHcode imagebot_share_setopt_lock(CURLSH *s, curl_lock_function f) {
    return curl_share_setopt(s, CURLSHOPT_LOCKFUNC, f);
}
static inline CURLSHcode imagebot_share_setopt_unlock(CURLSH *s, curl_unlock_function f) {
    return curl_share_setopt(s, CURLSHOPT_UNLOCKFUNC, f);
}
