/*
 * gradelib_embed.c - gradelib.lua's text, compiled into the binary so that
 * `lab86 grade` and `require "gradelib"` need no file at run time.
 *
 * The bytes come from $(BUILD)/gen/gradelib.inc, a list of decimal byte
 * values that scripts/lua/lua.mk makes from gradelib.lua with od and awk
 * (lua.mk also names it as this object's prerequisite, so the object is
 * rebuilt whenever gradelib.lua changes).
 */
#include <stddef.h>

extern const unsigned char lm_gradelib[];
extern const size_t lm_gradelib_len;

const unsigned char lm_gradelib[] = {
#include "gradelib.inc"
};
const size_t lm_gradelib_len = sizeof lm_gradelib;
