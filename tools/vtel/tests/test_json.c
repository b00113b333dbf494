// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and the UTF-8 helpers. */
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "unit.h"

static char *write_doc(bool pretty, const char *s)
{
	struct vtel_out o = { .json = true, .pretty = pretty };
	char *buf;
	size_t len;

	o.f = open_memstream(&buf, &len);
	jw_obj_open(&o, NULL);
	jw_u64(&o, "n", UINT64_MAX);
	jw_str(&o, "s", s);
	jw_bool(&o, "t", true);
	jw_null(&o, "z");
	jw_num(&o, "f", "1.5");
	jw_arr_open(&o, "a");
	jw_u64(&o, NULL, 1);
	jw_obj_open(&o, NULL);
	jw_obj_close(&o);
	jw_arr_open(&o, NULL);
	jw_arr_close(&o);
	jw_arr_close(&o);
	jw_obj_close(&o);
	jw_end(&o);
	fclose(o.f);
	return buf;
}

static void compact(void)
{
	char *s = write_doc(false, "x");

	CHECK_STR(s, "{\"n\":18446744073709551615,\"s\":\"x\",\"t\":true,"
		  "\"z\":null,\"f\":1.5,\"a\":[1,{},[]]}\n");
	unit_save("json", "writer-compact.json", s);
	free(s);
}

static void pretty(void)
{
	char *s = write_doc(true, "x");

	CHECK_STR(s, "{\n  \"n\": 18446744073709551615,\n  \"s\": \"x\",\n"
		  "  \"t\": true,\n  \"z\": null,\n  \"f\": 1.5,\n  \"a\": [\n"
		  "    1,\n    {},\n    []\n  ]\n}\n");
	unit_save("json", "writer-pretty.json", s);
	free(s);
}

static void escapes(void)
{
	static const struct { const char *in, *out; } c[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "\n\t\r\x01\x1f\x7f", "\"\\n\\t\\r\\u0001\\u001f\\u007f\"" },
		{ "\xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80", "\"\xc2\xb5s \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "bad\xff", "\"bad\\ufffd\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },		/* truncated */
	};
	struct vtel_out o = { .json = true };
	char *buf, name[32];
	size_t len, i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unit_case("escape %zu", i);
		o.f = open_memstream(&buf, &len);
		o.depth = 0;
		jw_str(&o, NULL, c[i].in);
		jw_end(&o);
		fclose(o.f);
		buf[len - 1] = '\0';
		CHECK_STR(buf, c[i].out);
		buf[len - 1] = '\n';
		snprintf(name, sizeof(name), "escape-%zu.json", i);
		unit_save("json", name, buf);
		free(buf);
	}
}

static void utf8(void)
{
	char buf[16];

	CHECK_U64(utf8_seq((const unsigned char *)"a", 1), 1);
	CHECK_U64(utf8_seq((const unsigned char *)"\xc2\xb5", 2), 2);
	CHECK_U64(utf8_seq((const unsigned char *)"\xc2\xb5", 1), 0);
	CHECK_U64(utf8_seq((const unsigned char *)"\xe0\x80\x80", 3), 0);
	CHECK_U64(utf8_seq((const unsigned char *)"\xef\xbf\xbd", 3), 3);
	CHECK_U64(utf8_seq((const unsigned char *)"\xf0\x90\x80\x80", 4), 4);
	CHECK_U64(utf8_seq((const unsigned char *)"\x80", 1), 0);
	CHECK_U64(utf8_width("35.1\xc2\xb5s"), 6);
	text_sanitize(buf, sizeof(buf), "a\x1b[2Jb\xff\xc2\xb5");
	CHECK_STR(buf, "a?[2Jb?\xc2\xb5");
	text_sanitize(buf, 4, "abcdef");
	CHECK_STR(buf, "abc");
	text_sanitize(buf, 3, "a\xc2\xb5");	/* no split sequence */
	CHECK_STR(buf, "a");
}

/* Deeper than JW_MAX_DEPTH: no crash, brackets still balance. */
static void deep(void)
{
	struct vtel_out o = { .json = true, .pretty = true };
	char *buf;
	size_t len;
	int i, open = 0;

	o.f = open_memstream(&buf, &len);
	for (i = 0; i < 40; i++)
		jw_arr_open(&o, NULL);
	jw_u64(&o, NULL, 1);
	for (i = 0; i < 41; i++)
		jw_arr_close(&o);
	fclose(o.f);
	for (i = 0; buf[i]; i++)
		open += buf[i] == '[' ? 1 : buf[i] == ']' ? -1 : 0;
	CHECK_INT(open, 0);
	free(buf);
}

UNIT_SUITE(json_tests, T(compact), T(pretty), T(escapes), T(utf8), T(deep));
