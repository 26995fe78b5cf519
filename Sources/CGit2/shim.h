#pragma once
#include <git2.h>
#include <git2/sys/transport.h>

// A smart subtransport and its stream as libgit2 sees them, followed by a pointer to the Swift
// object behind them: libgit2 hands back only the C struct, so the payload rides along with it.
typedef struct {
    git_smart_subtransport parent;
    void *payload;
} imagebot_subtransport;

typedef struct {
    git_smart_subtransport_stream parent;
    void *payload;
} imagebot_subtransport_stream;
