// SPDX-License-Identifier: GPL-2.0
/* Command line parsing: every command, good and bad input, exit statuses. */
#include <errno.h>
#include <stdlib.h>

#include "args.h"
#include "cmds.h"
#include "fake.h"
#include "unit.h"
#include "../api.h"

struct arg_case {
	const char *args;
	int rc;			/* vtel_parse_args(): 0, 2, or -1 (help) */
	const char *cmd;
	const char *err;	/* substring of the one stderr line */
};

static const struct arg_case cases[] = {
	{ "status", 0, "status", NULL },
	{ "", 2, NULL, "no command given" },
	{ "bogus", 2, NULL, "unknown command 'bogus'" },
	{ "-x status", 2, NULL, "unknown option '-x'" },
	{ "--frob status", 2, NULL, "unknown option '--frob'" },
	{ "-j status", 0, "status", NULL },
	{ "-jp status", 0, "status", NULL },
	{ "--json --pretty status", 0, "status", NULL },
	{ "status now", 2, "status", "unexpected argument 'now'" },
	{ "exits", 0, "exits", NULL },
	{ "exits --pid 42", 0, "exits", NULL },
	{ "exits --pid=42 --sort=p99 --top=5", 0, "exits", NULL },
	{ "exits --vm 3 --vcpu 1 --sort time", 0, "exits", NULL },
	{ "exits --vm 4294967295", 0, "exits", NULL },
	{ "exits --vm 0", 2, "exits", "out of range" },
	{ "exits --cgroup-id 0", 2, "exits", "out of range" },
	{ "hist xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 2, "hist", "longer than 63 bytes" },
	{ "hist xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0, "hist", NULL },
	{ "exits --pid 42 --vm 3", 2, "exits", "mutually exclusive" },
	{ "exits --vm 3 --pid 42", 2, "exits", "mutually exclusive" },
	{ "exits --vcpu 1", 2, "exits", "--vcpu needs --pid or --vm" },
	{ "exits --pid 0", 2, "exits", "out of range" },
	{ "exits --pid -1", 2, "exits", "not a decimal number" },
	{ "exits --pid +5", 2, "exits", "not a decimal number" },
	{ "exits --pid 12x", 2, "exits", "not a decimal number" },
	{ "exits --pid ' 12'", 2, "exits", "not a decimal number" },
	{ "exits --pid 2147483648", 2, "exits", "out of range" },
	{ "exits --vm 4294967296", 2, "exits", "out of range" },
	{ "exits --vm 99999999999999999999999", 2, "exits", "out of range" },
	{ "exits --sort bogus", 2, "exits", "not count, time, max or p99" },
	{ "exits --top 0", 2, "exits", "at least 1" },
	{ "exits --top", 2, "exits", "--top needs a value" },
	{ "exits --pid=", 2, "exits", "not a decimal number" },
	{ "exits extra", 2, "exits", "unexpected argument 'extra'" },
	{ "exits --frob", 2, "exits", "unknown option '--frob'" },
	{ "exits --frob=1", 2, "exits", "unknown option '--frob=1'" },
	{ "exits --interval 1", 2, "exits", "unknown option '--interval'" },
	{ "exits -j", 0, "exits", NULL },
	{ "exits -V", 2, "exits", "unknown option '-V'" },
	{ "exits --cgroup /tenant-a", 0, "exits", NULL },
	{ "exits --cgroup-id 100 --own", 0, "exits", NULL },
	{ "exits --cgroup-dir /sys/fs/cgroup/x --own --sort max", 0, "exits", NULL },
	{ "exits --cgroup-id 18446744073709551615", 0, "exits", NULL },
	{ "exits --cgroup tenant-a", 0, "exits", NULL },
	{ "exits --cgroup ''", 2, "exits", "empty path" },
	{ "exits --cgroup-id x", 2, "exits", "not a decimal number" },
	{ "exits --cgroup-id 18446744073709551616", 2, "exits", "out of range" },
	{ "exits --cgroup-dir ''", 2, "exits", "empty directory" },
	{ "exits --own", 2, "exits", "--own needs --cgroup" },
	{ "exits --pid 1 --own", 2, "exits", "--own needs --cgroup" },
	{ "exits --own=1 --cgroup /a", 2, "exits", "--own takes no value" },
	{ "exits --cgroup /a --pid 1", 2, "exits", "mutually exclusive" },
	{ "exits --vm 1 --cgroup-id 3", 2, "exits", "mutually exclusive" },
	{ "exits --cgroup /a --cgroup-dir /b", 2, "exits", "mutually exclusive" },
	{ "exits --cgroup /a --vcpu 1", 2, "exits", "--vcpu needs --pid or --vm" },
	{ "hist io --cgroup /a --own", 0, "hist", NULL },
	{ "vcpus --cgroup /a", 2, "vcpus", "unknown option '--cgroup'" },
	{ "top --own", 2, "top", "unknown option '--own'" },
	{ "cgroups", 0, "cgroups", NULL },
	{ "cgroups --own", 2, "cgroups", "unknown option '--own'" },
	{ "cgroups --tree", 0, "cgroups", NULL },
	{ "cgroups --tree --interval 0.5", 0, "cgroups", NULL },
	{ "cgroups --interval=2 --tree", 0, "cgroups", NULL },
	{ "cgroups --interval 2", 2, "cgroups", "--interval needs --tree" },
	{ "cgroups --tree --interval 0", 2, "cgroups", "--interval" },
	{ "cgroups --tree=1", 2, "cgroups", "--tree takes no value" },
	{ "cgroups --tree --count 2", 2, "cgroups", "unknown option '--count'" },
	{ "exits --tree", 2, "exits", "unknown option '--tree'" },
	{ "top --tree", 2, "top", "unknown option '--tree'" },
	{ "top --by cgroup", 0, "top", NULL },
	{ "vms", 0, "vms", NULL },
	{ "vms --pid 1", 2, "vms", "unknown option '--pid'" },
	{ "vcpus", 2, "vcpus", "needs --pid or --vm" },
	{ "vcpus --vm 1", 0, "vcpus", NULL },
	{ "vcpus --pid 1", 0, "vcpus", NULL },
	{ "vcpus --vm 1 --vcpu 0", 2, "vcpus", "unknown option '--vcpu'" },
	{ "hist", 2, "hist", "missing REASON" },
	{ "hist io", 0, "hist", NULL },
	{ "hist 'PF excp' --vm 2 --vcpu 0", 0, "hist", NULL },
	{ "hist io npf", 2, "hist", "unexpected argument 'npf'" },
	{ "hist ''", 2, "hist", "empty REASON" },
	{ "hist -- -odd", 0, "hist", NULL },
	{ "hist io --sort count", 2, "hist", "unknown option '--sort'" },
	{ "top", 0, "top", NULL },
	{ "top --interval 0.5 --count 3 --by vm", 0, "top", NULL },
	{ "top --interval 3600 --by reason", 0, "top", NULL },
	{ "top --interval 0", 2, "top", "--interval" },
	{ "top --interval 0.001", 2, "top", "--interval" },
	{ "top --interval 1.2345", 2, "top", "--interval" },
	{ "top --interval 1.", 2, "top", "--interval" },
	{ "top --interval .5", 2, "top", "--interval" },
	{ "top --interval abc", 2, "top", "--interval" },
	{ "top --interval 3601", 2, "top", "--interval" },
	{ "top --by cpu", 2, "top", "not vm, reason or cgroup" },
	{ "top --count 0", 2, "top", "at least 1" },
	{ "top --pid 1", 2, "top", "unknown option '--pid'" },
	{ "reset", 0, "reset", NULL },
	{ "reset now", 2, "reset", "unexpected argument" },
	{ "config", 0, "config", NULL },
	{ "config slow_ns=5000 event_rate=10", 0, "config", NULL },
	{ "config slow_ns=18446744073709551615", 0, "config", NULL },
	{ "config slow_ns=18446744073709551616", 2, "config", "out of range" },
	{ "config event_rate=4294967296", 2, "config", "out of range" },
	{ "config slow_ns=", 2, "config", "not a decimal number" },
	{ "config slow_ns=abc", 2, "config", "not a decimal number" },
	{ "config slow_ns", 2, "config", "not KEY=VALUE" },
	{ "config max_vms=5", 2, "config", "read-only" },
	{ "config foo=1", 2, "config", "unknown key 'foo'" },
	{ "config slow_ns=1 slow_ns=2", 2, "config", "given twice" },
	{ "config slow_ns=1 event_rate=2 slow_ns=3", 2, "config", "unexpected argument" },
	{ "config slow-exit 100us", 0, "config", NULL },
	{ "config slow-exit 2ms --reason npf", 0, "config", NULL },
	{ "config slow-exit default --reason npf", 0, "config", NULL },
	{ "config slow-exit-idle off", 0, "config", NULL },
	{ "config slow-exit", 2, "config", "slow-exit needs a DURATION" },
	{ "config slow-exit 5", 2, "config", "not a duration" },
	{ "config slow-exit 5xs", 2, "config", "not a duration" },
	{ "config slow-exit 1.5ms", 2, "config", "not a duration" },
	{ "config slow-exit 18446744073709551615s", 2, "config", "out of range" },
	{ "config slow-exit default", 2, "config", "'default' needs --reason" },
	{ "config slow-exit-idle 1ms --reason npf", 2, "config", "--reason goes with slow-exit" },
	{ "config --reason npf", 2, "config", "--reason goes with slow-exit" },
	{ "config slow-exit 1ms slow_ns=5", 2, "config", "unexpected argument" },
	{ "config slow-exit slow-exit-idle", 2, "config", "not a duration" },
	{ "exits --reason npf", 2, "exits", "unknown option '--reason'" },
	{ "events", 0, "events", NULL },
	{ "events --count 2", 0, "events", NULL },
	{ "events --count x", 2, "events", "not a decimal number" },
	{ "export", 0, "export", NULL },
	{ "export --format prometheus", 0, "export", NULL },
	{ "export --format=prometheus", 0, "export", NULL },
	{ "export --format json", 2, "export", "not a known format" },
	{ "--help", -1, NULL, NULL },
	{ "-h", -1, NULL, NULL },
	{ "help", -1, NULL, NULL },
	{ "--version", -1, NULL, NULL },
	{ "help exits", 0, "exits", NULL },
	{ "exits --help", 0, "exits", NULL },
	{ "top -h", 0, "top", NULL },
	{ "help bogus", 2, NULL, "unknown command 'bogus'" },
};

static int split(char *s, char **argv, int max)
{
	int argc = 0;
	char *p = s, *w;

	argv[argc++] = "vtel";
	while (*p && argc < max - 1) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '\'') {
			w = ++p;
			while (*p && *p != '\'')
				p++;
		} else {
			w = p;
			while (*p && *p != ' ')
				p++;
		}
		if (*p)
			*p++ = '\0';
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

static int parse(const char *args, struct vtel_args *a, char **err,
		 char **out)
{
	static char *copy;	/* a->reason points into it */
	struct fake f;
	struct vtel_ctx ctx;
	char *argv[32];
	size_t el, ol;
	FILE *ef, *of;
	int rc;

	free(copy);
	copy = strdup(args);
	fake_init(&f);
	ef = open_memstream(err, &el);
	of = open_memstream(out, &ol);
	fake_ctx(&ctx, &f, of, ef);
	rc = vtel_parse_args(&ctx, split(copy, argv, 32), argv, a);
	if (rc == 0 && (ctx.out.json || ctx.out.pretty))
		a->top |= ctx.out.pretty ? 0x40000000 : 0x20000000;
	fclose(ef);
	fclose(of);
	return rc;
}

static void table(void)
{
	struct vtel_args a;
	char *err, *out;
	size_t i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unit_case("'%s'", cases[i].args);
		rc = parse(cases[i].args, &a, &err, &out);
		CHECK_INT(rc, cases[i].rc);
		if (cases[i].cmd && rc >= 0)
			CHECK(a.cmd && !strcmp(a.cmd->name, cases[i].cmd));
		if (cases[i].err) {
			CHECK_HAS(err, cases[i].err);
			CHECK(!strncmp(err, "vtel: ", 6));
			CHECK_U64(unit_lines(err), 1);
			CHECK_HAS(err, "--help')");
		} else {
			CHECK_STR(err, "");
		}
		if (rc == -1)
			CHECK(strlen(out) > 10);
		free(err);
		free(out);
	}
}

static void fields(void)
{
	struct vtel_args a;
	char *err, *out;

	unit_case("exits --pid=42 --sort=p99 --top=5");
	CHECK_INT(parse("exits --pid=42 --sort=p99 --top=5", &a, &err, &out), 0);
	CHECK(a.sel.has_pid && !a.sel.has_vm && !a.sel.has_vcpu);
	CHECK_U64(a.sel.pid, 42);
	CHECK_INT(a.sort, SORT_P99);
	CHECK_U64(a.top, 5);
	free(err);
	free(out);

	unit_case("exits --vm 3 --vcpu 1 --sort max");
	CHECK_INT(parse("exits --vm 3 --vcpu 1 --sort max", &a, &err, &out), 0);
	CHECK(a.sel.has_vm && a.sel.has_vcpu && !a.sel.has_pid);
	CHECK_U64(a.sel.vm_id, 3);
	CHECK_U64(a.sel.vcpu_id, 1);
	CHECK_INT(a.sort, SORT_MAX);
	free(err);
	free(out);

	unit_case("exits defaults");
	CHECK_INT(parse("exits", &a, &err, &out), 0);
	CHECK(!a.sel.has_vm && !a.sel.has_pid && !a.sel.has_vcpu);
	CHECK_INT(a.sort, SORT_COUNT);
	CHECK_U64(a.top, 0);
	free(err);
	free(out);

	unit_case("-p sets json and pretty");
	CHECK_INT(parse("-p exits", &a, &err, &out), 0);
	CHECK_U64(a.top, 0x40000000);
	free(err);
	free(out);

	unit_case("hist 'PF excp' --vm 2 --vcpu 0");
	CHECK_INT(parse("hist 'PF excp' --vm 2 --vcpu 0", &a, &err, &out), 0);
	CHECK_STR(a.reason, "PF excp");
	CHECK(a.sel.has_vm && a.sel.has_vcpu);
	free(err);
	free(out);

	unit_case("hist -- -odd");
	CHECK_INT(parse("hist -- -odd", &a, &err, &out), 0);
	CHECK_STR(a.reason, "-odd");
	free(err);
	free(out);

	unit_case("exits --cgroup-dir D --own");
	CHECK_INT(parse("exits --cgroup-dir /sys/fs/cgroup/x --own", &a, &err, &out), 0);
	CHECK_STR(a.sel.cgroup_dir, "/sys/fs/cgroup/x");
	CHECK(a.sel.own && !a.sel.cgroup_path && !a.sel.has_cgroup_id);
	free(err);
	free(out);

	unit_case("exits --cgroup-id 100");
	CHECK_INT(parse("exits --cgroup-id 100", &a, &err, &out), 0);
	CHECK(a.sel.has_cgroup_id && !a.sel.own);
	CHECK_U64(a.sel.cgroup_id, 100);
	free(err);
	free(out);

	unit_case("top defaults");
	CHECK_INT(parse("top", &a, &err, &out), 0);
	CHECK_U64(a.interval_ms, 1000);
	CHECK_U64(a.count, 0);
	CHECK_INT(a.by, BY_ALL);
	free(err);
	free(out);

	unit_case("top --interval 0.25 --count 3 --by reason");
	CHECK_INT(parse("top --interval 0.25 --count 3 --by reason", &a, &err, &out), 0);
	CHECK_U64(a.interval_ms, 250);
	CHECK_U64(a.count, 3);
	CHECK_INT(a.by, BY_REASON);
	free(err);
	free(out);

	unit_case("top --by cgroup");
	CHECK_INT(parse("top --by cgroup", &a, &err, &out), 0);
	CHECK_INT(a.by, BY_CGROUP);
	free(err);
	free(out);

	unit_case("cgroups --tree --interval 0.5");
	CHECK_INT(parse("cgroups --tree --interval 0.5", &a, &err, &out), 0);
	CHECK(a.tree && a.has_interval);
	CHECK_U64(a.interval_ms, 500);
	free(err);
	free(out);

	unit_case("cgroups --tree: interval 1 s by default");
	CHECK_INT(parse("cgroups --tree", &a, &err, &out), 0);
	CHECK(a.tree && !a.has_interval);
	CHECK_U64(a.interval_ms, 1000);
	free(err);
	free(out);

	unit_case("config slow_ns=5000 event_rate=10");
	CHECK_INT(parse("config slow_ns=5000 event_rate=10", &a, &err, &out), 0);
	CHECK_U64(a.set.have, (1ULL << VTEL_C_SLOW_NS) | (1ULL << VTEL_C_EVENT_RATE));
	CHECK_U64(a.set.v[VTEL_C_SLOW_NS], 5000);
	CHECK_U64(a.set.v[VTEL_C_EVENT_RATE], 10);
	free(err);
	free(out);

	unit_case("config (show)");
	CHECK_INT(parse("config", &a, &err, &out), 0);
	CHECK_U64(a.set.have, 0);
	free(err);
	free(out);

	unit_case("events --count 2");
	CHECK_INT(parse("events --count 2", &a, &err, &out), 0);
	CHECK_U64(a.count, 2);
	free(err);
	free(out);

	unit_case("exits --help sets help");
	CHECK_INT(parse("exits --help", &a, &err, &out), 0);
	CHECK(a.help);
	free(err);
	free(out);
}

/* Through vtel_main: usage errors never touch the kernel. */
static void statuses(void)
{
	static const struct { const char *args; int rc; } m[] = {
		{ "", 2 }, { "bogus", 2 }, { "exits --pid x", 2 },
		{ "--help", 0 }, { "--version", 0 }, { "help", 0 },
		{ "help top", 0 }, { "vcpus --help", 0 }, { "config nope", 2 },
	};
	struct fake_run r;
	struct fake f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		unit_case("main '%s' exits %d", m[i].args, m[i].rc);
		fake_init(&f);
		fake_vtel(&f, &r, m[i].args);
		CHECK_INT(r.rc, m[i].rc);
		CHECK_U64(f.requests, 0);
		if (m[i].rc == 0)
			CHECK(r.outlen > 0);
		fake_run_free(&r);
		fake_free(&f);
	}
	unit_case("help text names every command");
	fake_init(&f);
	fake_vtel(&f, &r, "--help");
	CHECK_HAS(r.out, "status");
	CHECK_HAS(r.out, "exits");
	CHECK_HAS(r.out, "vcpus");
	CHECK_HAS(r.out, "hist");
	CHECK_HAS(r.out, "top");
	CHECK_HAS(r.out, "reset");
	CHECK_HAS(r.out, "config");
	CHECK_HAS(r.out, "events");
	CHECK_HAS(r.out, "export");
	CHECK_HAS(r.out, "Exit status");
	fake_run_free(&r);
	fake_vtel(&f, &r, "exits --help");
	CHECK_HAS(r.out, "--sort KEY");
	fake_run_free(&r);
	fake_free(&f);
}

static void numbers(void)
{
	static const struct { const char *s; int err; uint64_t v; } c64[] = {
		{ "0", 0, 0 }, { "1", 0, 1 }, { "007", 0, 7 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "0x10", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
	};
	static const struct { const char *s; int err; uint32_t v; } c32[] = {
		{ "4294967295", 0, UINT32_MAX }, { "4294967296", -ERANGE, 0 },
		{ "42", 0, 42 },
	};
	static const struct { const char *s; int err; uint64_t ns; } dur[] = {
		{ "0", 0, 0 }, { "off", 0, 0 }, { "250ns", 0, 250 },
		{ "100us", 0, 100000 }, { "2ms", 0, 2000000 },
		{ "1s", 0, 1000000000 }, { "0ms", 0, 0 },
		{ "18446744073709551615ns", 0, UINT64_MAX },
		{ "18446744073s", 0, 18446744073000000000ULL },
		{ "18446744074s", -ERANGE, 0 }, { "", -EINVAL, 0 },
		{ "5", -EINVAL, 0 }, { "ms", -EINVAL, 0 }, { "1.5ms", -EINVAL, 0 },
		{ "-1ms", -EINVAL, 0 }, { "1 ms", -EINVAL, 0 }, { "1msx", -EINVAL, 0 },
		{ "1m", -EINVAL, 0 }, { "99999999999999999999999ns", -ERANGE, 0 },
	};
	static const struct { const char *s; int err; unsigned int ms; } iv[] = {
		{ "1", 0, 1000 }, { "0.5", 0, 500 }, { "0.01", 0, 10 },
		{ "2.125", 0, 2125 }, { "3600", 0, 3600000 },
		{ "0.009", -ERANGE, 0 }, { "0", -ERANGE, 0 },
		{ "3600.001", -ERANGE, 0 }, { "99999", -ERANGE, 0 },
		{ "1.2345", -EINVAL, 0 }, { "1.", -EINVAL, 0 }, { ".5", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "1s", -EINVAL, 0 },
	};
	uint64_t v64;
	uint32_t v32;
	unsigned int ms;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c64); i++) {
		unit_case("parse_u64 '%s'", c64[i].s);
		v64 = 12345;
		CHECK_INT(parse_u64(c64[i].s, &v64), c64[i].err);
		CHECK_U64(v64, c64[i].err ? 12345 : c64[i].v);
	}
	for (i = 0; i < ARRAY_SIZE(c32); i++) {
		unit_case("parse_u32 '%s'", c32[i].s);
		v32 = 7;
		CHECK_INT(parse_u32(c32[i].s, &v32), c32[i].err);
		CHECK_U64(v32, c32[i].err ? 7 : c32[i].v);
	}
	for (i = 0; i < ARRAY_SIZE(dur); i++) {
		uint64_t ns = 77;

		unit_case("parse_duration_ns '%s'", dur[i].s);
		CHECK_INT(parse_duration_ns(dur[i].s, &ns), dur[i].err);
		CHECK_U64(ns, dur[i].err ? 77 : dur[i].ns);
	}
	for (i = 0; i < ARRAY_SIZE(iv); i++) {
		unit_case("parse_interval '%s'", iv[i].s);
		ms = 77;
		CHECK_INT(parse_interval(iv[i].s, &ms), iv[i].err);
		CHECK_U64(ms, iv[i].err ? 77 : iv[i].ms);
	}
}

static void cgroup_paths(void)
{
	static const struct { const char *in, *out; } c[] = {
		{ "/tenant-a/vm1", "/tenant-a/vm1" },
		{ "tenant-a/vm1", "/tenant-a/vm1" },
		{ "/sys/fs/cgroup/tenant-a/vm1", "/tenant-a/vm1" },
		{ "/sys/fs/cgroup/tenant-a/vm1/", "/tenant-a/vm1" },
		{ "/sys/fs/cgroup", "/" },
		{ "/sys/fs/cgroup/", "/" },
		{ "/sys/fs/cgroupx/a", "/sys/fs/cgroupx/a" },
		{ "//a//", "/a" },
		{ "/", "/" },
	};
	char out[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		unit_case("cgroup path '%s'", c[i].in);
		vtel_cgroup_path_norm(c[i].in, out, sizeof(out));
		CHECK_STR(out, c[i].out);
	}
}

UNIT_SUITE(args_tests, T(table), T(fields), T(statuses), T(numbers),
	   T(cgroup_paths));
