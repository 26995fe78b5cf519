#pragma once
// Swift cannot see pcre2's width-generic macros; fix the width so the _8 names are declared.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
