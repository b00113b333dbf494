// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: global options, the command table (iw/ethtool style),
 * per-command options, help, dispatch. Every usage error is one line on
 * stderr and exit status 2.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "cmds.h"
#include "nl.h"

#define SEL_HELP \
	"  --pid PID      the newest VM of VMM process PID\n" \
	"  --vm ID        the VM with vtel id ID (see 'vtel vms')\n"
#define VCPU_HELP \
	"  --vcpu N       one vCPU (KVM vcpu_id N) of that VM\n"
#define CGROUP_HELP \
	"  --cgroup PATH  a cgroup v2 and its descendants, by its path in this\n" \
	"                 cgroup namespace (/tenant-a/vm1, see 'vtel cgroups')\n" \
	"  --cgroup-id ID the same, by cgroup id (inode number)\n" \
	"  --cgroup-dir D the same, by directory (/sys/fs/cgroup/tenant-a/vm1)\n" \
	"  --own          the cgroup alone, without its descendants\n"
#define SEL_SYN "[(--pid PID | --vm ID) [--vcpu N] | (--cgroup PATH | --cgroup-id ID | --cgroup-dir DIR) [--own]]"

static const struct vtel_command cmds[] = {
	{
		.name = "status", .synopsis = "",
		.summary = "module state, host totals and drop counters",
		.run = cmd_status,
	}, {
		.name = "exits",
		.synopsis = SEL_SYN " [--sort count|time|max|p99] [--top N]",
		.summary = "exit reasons of the host, a VM, a vCPU or a cgroup, with timing",
		.details = SEL_HELP VCPU_HELP CGROUP_HELP
			"  --sort KEY     count (default), time (total), max or p99; descending\n"
			"  --top N        only the first N reasons\n",
		.opts = O_SEL | O_VCPU | O_SORT | O_TOP | O_CGROUP, .run = cmd_exits,
	}, {
		.name = "vms", .synopsis = "",
		.summary = "the VMs vtel tracks, live and retired",
		.run = cmd_vms,
	}, {
		.name = "vcpus", .synopsis = "--pid PID | --vm ID",
		.summary = "the vCPUs of one VM",
		.details = SEL_HELP,
		.opts = O_SEL, .run = cmd_vcpus,
	}, {
		.name = "cgroups", .synopsis = "[--tree [--interval S]]",
		.summary = "the cgroups vCPU threads ran in, own and with descendants",
		.details = "  --tree         a tree like systemd-cgtop: exits/s over the interval,\n"
			"                 exits, handling time and overhead with descendants,\n"
			"                 CPU share (handling over cpu.stat usage) in the interval\n"
			"  --interval S   seconds between the two snapshots (default 1)\n",
		.opts = O_TREE | O_INTERVAL, .run = cmd_cgroups,
	}, {
		.name = "hist", .synopsis = "REASON " SEL_SYN,
		.summary = "handling-time histogram of one exit reason",
		.details = "  REASON         the kernel's name, as 'vtel exits' prints it\n"
			SEL_HELP VCPU_HELP CGROUP_HELP,
		.opts = O_SEL | O_VCPU | O_CGROUP, .min_pos = 1, .max_pos = 1,
		.run = cmd_hist,
	}, {
		.name = "io", .synopsis = "(--pid PID | --vm ID) [--vcpu N]",
		.summary = "the ports and MMIO pages a VM's exits hit, as perf kvm stat",
		.details = SEL_HELP VCPU_HELP,
		.opts = O_SEL | O_VCPU, .run = cmd_io,
	}, {
		.name = "top",
		.synopsis = "[--interval S] [--count N] [--by vm|reason|cgroup]",
		.summary = "live exit rates by VM, by reason or by cgroup ('q' quits)",
		.details = "  --interval S   seconds between refreshes (default 1, e.g. 0.5)\n"
			"  --count N      stop after N refreshes\n"
			"  --by KEY       only the VM table (vm) or the reason table (reason),\n"
			"                 or rates by cgroup, each without descendants (cgroup)\n",
		.opts = O_INTERVAL | O_COUNT | O_BY, .run = cmd_top,
		.interruptible = true,
	}, {
		.name = "reset", .synopsis = "",
		.summary = "zero every counter (CAP_NET_ADMIN)",
		.run = cmd_reset,
	}, {
		.name = "config",
		.synopsis = "[slow-exit[-idle] DURATION [--reason R]] [KEY=N...]",
		.summary = "show the configuration, or set it (CAP_NET_ADMIN)",
		.details = "  slow-exit D    exits handled in more than D (250ns, 100us, 2ms, 1s;\n"
			"                 0 or off: never) are slow: counted and traced as\n"
			"                 vtel:vtel_slow_exit; every reason that is not idle\n"
			"  slow-exit D --reason R\n"
			"                 the threshold of reason R alone ('default': back\n"
			"                 to the common threshold)\n"
			"  slow-exit-idle D\n"
			"                 the threshold of idle (halt) exits, off by default\n"
			"  slow_ns=N, slow_idle_ns=N\n"
			"                 the same thresholds in ns\n"
			"  event_rate=N   at most N VM events a second\n",
		.opts = O_REASON, .max_pos = 2, .run = cmd_config,
	}, {
		.name = "events", .synopsis = "[--count N]",
		.summary = "print VM start and stop events as they happen",
		.details = "  --count N      stop after N events\n",
		.opts = O_COUNT, .run = cmd_events,
		.interruptible = true,
	}, {
		.name = "export", .synopsis = "[--format prometheus]",
		.summary = "every counter in Prometheus text exposition format",
		.details = "  --format F     prometheus (the only format, the default)\n",
		.opts = O_FORMAT, .run = cmd_export,
	},
};

const struct vtel_command *vtel_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int vtel_usage_error(struct vtel_ctx *ctx, const char *cmd,
		     const char *fmt, ...)
{
	va_list ap;

	fputs("vtel: ", ctx->err);
	if (cmd)
		fprintf(ctx->err, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fprintf(ctx->err, " (try 'vtel %s%s--help')\n", cmd ? cmd : "",
		cmd ? " " : "");
	return VTEL_EXIT_USAGE;
}

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: vtel [-j|--json] [-p|--pretty] COMMAND [ARGS]\n"
	      "       vtel -h|--help | -V|--version | help [COMMAND]\n"
	      "\nKVM exit telemetry from the vtel kernel module.\n\nCommands:\n",
	      f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\nOptions:\n"
	      "  -j, --json     JSON output, exact integers\n"
	      "  -p, --pretty   indented JSON (implies --json)\n"
	      "  -h, --help     this help, or a command's with 'vtel COMMAND --help'\n"
	      "  -V, --version  the versions of this tool and of its interface\n"
	      "\nExit status: 0 ok, 1 error, 2 usage, 3 module not loaded,\n"
	      "4 permission denied, 5 not found, 6 module version mismatch.\n"
	      "See vtel(8).\n", f);
}

static void cmd_usage(FILE *f, const struct vtel_command *c)
{
	fprintf(f, "Usage: vtel [-j|-p] %s%s%s\n\n%c%s.\n", c->name,
		c->synopsis[0] ? " " : "", c->synopsis,
		toupper((unsigned char)c->summary[0]), c->summary + 1);
	if (c->details)
		fprintf(f, "\n%s", c->details);
}

/* Global flags: -j, -p, combined as -jp. */
static int global_flag(struct vtel_ctx *ctx, const char *arg, bool *help,
		       bool *version)
{
	const char *p;

	if (!strcmp(arg, "--json")) {
		ctx->out.json = true;
	} else if (!strcmp(arg, "--pretty")) {
		ctx->out.json = ctx->out.pretty = true;
	} else if (!strcmp(arg, "--help")) {
		*help = true;
	} else if (!strcmp(arg, "--version")) {
		*version = true;
	} else if (arg[0] == '-' && arg[1] && arg[1] != '-') {
		for (p = arg + 1; *p; p++) {
			if (*p == 'j')
				ctx->out.json = true;
			else if (*p == 'p')
				ctx->out.json = ctx->out.pretty = true;
			else if (*p == 'h')
				*help = true;
			else if (*p == 'V')
				*version = true;
			else
				return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
	return 0;
}

enum { OPT_PID, OPT_VM, OPT_VCPU, OPT_SORT, OPT_TOP, OPT_INTERVAL,
       OPT_COUNT, OPT_BY, OPT_FORMAT, OPT_CGROUP, OPT_CGROUP_ID,
       OPT_CGROUP_DIR, OPT_OWN, OPT_TREE, OPT_REASON };

static const struct {
	const char *name;
	unsigned int need;
	bool flag;		/* takes no value */
} opts[] = {
	[OPT_PID]	= { "pid", O_SEL, false },
	[OPT_VM]	= { "vm", O_SEL, false },
	[OPT_VCPU]	= { "vcpu", O_VCPU, false },
	[OPT_SORT]	= { "sort", O_SORT, false },
	[OPT_TOP]	= { "top", O_TOP, false },
	[OPT_INTERVAL]	= { "interval", O_INTERVAL, false },
	[OPT_COUNT]	= { "count", O_COUNT, false },
	[OPT_BY]	= { "by", O_BY, false },
	[OPT_FORMAT]	= { "format", O_FORMAT, false },
	[OPT_CGROUP]	= { "cgroup", O_CGROUP, false },
	[OPT_CGROUP_ID]	= { "cgroup-id", O_CGROUP, false },
	[OPT_CGROUP_DIR] = { "cgroup-dir", O_CGROUP, false },
	[OPT_OWN]	= { "own", O_CGROUP, true },
	[OPT_TREE]	= { "tree", O_TREE, true },
	[OPT_REASON]	= { "reason", O_REASON, false },
};

/* The selectors naming a VM or a cgroup: at most one may be given. */
static bool sel_given(const struct vtel_sel *s)
{
	return s->has_pid || s->has_vm || vtel_sel_cgroup(s);
}

static int num_error(struct vtel_ctx *ctx, const char *cmd, const char *opt,
		     const char *val, int err, const char *what)
{
	return vtel_usage_error(ctx, cmd, "--%s: '%s' is %s", opt, val,
				err == -ERANGE ? "out of range" : what);
}

static int set_opt(struct vtel_ctx *ctx, struct vtel_args *a, int o,
		   const char *val)
{
	const char *cmd = a->cmd->name, *name = opts[o].name;
	uint32_t v;
	int err;

	if ((o == OPT_PID || o == OPT_VM || o == OPT_CGROUP ||
	     o == OPT_CGROUP_ID || o == OPT_CGROUP_DIR) && sel_given(&a->sel))
		return vtel_usage_error(ctx, cmd, "%s",
			a->cmd->opts & O_CGROUP ?
			"--pid, --vm, --cgroup, --cgroup-id and --cgroup-dir are mutually exclusive" :
			"--pid and --vm are mutually exclusive");
	switch (o) {
	case OPT_OWN:
		a->sel.own = true;
		return 0;
	case OPT_TREE:
		a->tree = true;
		return 0;
	case OPT_REASON:
		a->reason = val;
		return 0;
	case OPT_CGROUP:
		if (!val[0])
			return vtel_usage_error(ctx, cmd, "--cgroup: empty path");
		a->sel.cgroup_path = val;
		return 0;
	case OPT_CGROUP_DIR:
		if (!val[0])
			return vtel_usage_error(ctx, cmd, "--cgroup-dir: empty directory");
		a->sel.cgroup_dir = val;
		return 0;
	case OPT_CGROUP_ID:
		err = parse_u64(val, &a->sel.cgroup_id);
		if (!err && !a->sel.cgroup_id)
			err = -ERANGE;	/* ids start at 1 */
		if (err)
			return num_error(ctx, cmd, name, val, err,
					 "not a decimal number");
		a->sel.has_cgroup_id = true;
		return 0;
	case OPT_PID:
	case OPT_VM:
	case OPT_VCPU:
	case OPT_TOP:
	case OPT_COUNT:
		err = parse_u32(val, &v);
		if (err)
			return num_error(ctx, cmd, name, val, err,
					 "not a decimal number");
		/* VM ids and pids start at 1 (the module's policy). */
		if ((o == OPT_PID && (v == 0 || v > INT32_MAX)) ||
		    (o == OPT_VM && v == 0))
			return num_error(ctx, cmd, name, val, -ERANGE, "");
		if ((o == OPT_TOP || o == OPT_COUNT) && v == 0)
			return vtel_usage_error(ctx, cmd,
				"--%s must be at least 1", name);
		if (o == OPT_PID) {
			a->sel.has_pid = true;
			a->sel.pid = v;
		} else if (o == OPT_VM) {
			a->sel.has_vm = true;
			a->sel.vm_id = v;
		} else if (o == OPT_VCPU) {
			a->sel.has_vcpu = true;
			a->sel.vcpu_id = v;
		} else if (o == OPT_TOP) {
			a->top = v;
		} else {
			a->count = v;
		}
		return 0;
	case OPT_SORT:
		if (!strcmp(val, "count"))
			a->sort = SORT_COUNT;
		else if (!strcmp(val, "time"))
			a->sort = SORT_TIME;
		else if (!strcmp(val, "max"))
			a->sort = SORT_MAX;
		else if (!strcmp(val, "p99"))
			a->sort = SORT_P99;
		else
			return vtel_usage_error(ctx, cmd,
				"--sort: '%s' is not count, time, max or p99", val);
		return 0;
	case OPT_INTERVAL:
		err = parse_interval(val, &a->interval_ms);
		if (err)
			return vtel_usage_error(ctx, cmd,
				"--interval: '%s' is not a number of seconds from 0.01 to 3600",
				val);
		a->has_interval = true;
		return 0;
	case OPT_BY:
		if (!strcmp(val, "vm"))
			a->by = BY_VM;
		else if (!strcmp(val, "reason"))
			a->by = BY_REASON;
		else if (!strcmp(val, "cgroup"))
			a->by = BY_CGROUP;
		else
			return vtel_usage_error(ctx, cmd,
				"--by: '%s' is not vm, reason or cgroup", val);
		return 0;
	default:
		if (strcmp(val, "prometheus"))
			return vtel_usage_error(ctx, cmd,
				"--format: '%s' is not a known format (prometheus)",
				val);
		a->format = FORMAT_PROMETHEUS;
		return 0;
	}
}

static const char *const config_keys[] = {
	[VTEL_C_SLOW_NS]		= "slow_ns",
	[VTEL_C_EVENT_RATE]		= "event_rate",
	[VTEL_C_UNPRIVILEGED_READ]	= "unprivileged_read",
	[VTEL_C_MAX_VMS]		= "max_vms",
	[VTEL_C_MAX_VCPUS]		= "max_vcpus",
	[VTEL_C_RETIRED_VMS]		= "retired_vms",
	[VTEL_C_RETIRED_SECS]		= "retired_secs",
	[VTEL_C_MAX_ADDRS]		= "max_addrs",
	[VTEL_C_SLOW_IDLE_NS]		= "slow_idle_ns",
};

const char *vtel_config_key(int attr)
{
	if (attr <= 0 || attr >= (int)ARRAY_SIZE(config_keys))
		return NULL;
	return config_keys[attr];
}

static int config_arg(struct vtel_ctx *ctx, struct vtel_args *a,
		      const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t klen;
	uint64_t v;
	int k, err;

	if (a->slow_kw && !a->slow_given) {
		a->slow_given = true;
		if (!strcmp(arg, "default")) {
			a->slow_default = true;
			return 0;
		}
		err = parse_duration_ns(arg, &a->slow_ns);
		if (err)
			return vtel_usage_error(ctx, "config",
				"%s: '%s' is %s", a->slow_kw == VTEL_C_SLOW_NS ?
				"slow-exit" : "slow-exit-idle", arg,
				err == -ERANGE ? "out of range" :
				"not a duration (250ns, 100us, 2ms, 1s, off)");
		return 0;
	}
	if (!strcmp(arg, "slow-exit") || !strcmp(arg, "slow-exit-idle")) {
		if (a->slow_kw)
			return vtel_usage_error(ctx, "config",
				"one slow-exit setting at a time");
		a->slow_kw = strcmp(arg, "slow-exit") ? VTEL_C_SLOW_IDLE_NS :
							VTEL_C_SLOW_NS;
		return 0;
	}
	if (!eq)
		return vtel_usage_error(ctx, "config",
			"'%s' is not KEY=VALUE", arg);
	klen = (size_t)(eq - arg);
	for (k = 1; k < (int)ARRAY_SIZE(config_keys); k++)
		if (config_keys[k] && strlen(config_keys[k]) == klen &&
		    !strncmp(arg, config_keys[k], klen))
			break;
	if (k == (int)ARRAY_SIZE(config_keys))
		return vtel_usage_error(ctx, "config",
			"unknown key '%.*s' (slow_ns, slow_idle_ns, event_rate)",
			(int)klen, arg);
	if (k != VTEL_C_SLOW_NS && k != VTEL_C_SLOW_IDLE_NS &&
	    k != VTEL_C_EVENT_RATE)
		return vtel_usage_error(ctx, "config",
			"%s is read-only (a module parameter)", config_keys[k]);
	if (a->set.have & (1ULL << k))
		return vtel_usage_error(ctx, "config", "%s given twice",
					config_keys[k]);
	err = parse_u64(eq + 1, &v);
	if (!err && k == VTEL_C_EVENT_RATE && v > UINT32_MAX)
		err = -ERANGE;
	if (err)
		return vtel_usage_error(ctx, "config", "%s: '%s' is %s",
			config_keys[k], eq + 1,
			err == -ERANGE ? "out of range" : "not a decimal number");
	a->set.v[k] = v;
	a->set.have |= 1ULL << k;
	return 0;
}

/* "slow-exit D [--reason R]" and "slow-exit-idle D" into the request. */
static int config_finish(struct vtel_ctx *ctx, struct vtel_args *a)
{
	struct vtel_slow_override *so;

	if (a->slow_kw && !a->slow_given)
		return vtel_usage_error(ctx, "config", "%s needs a DURATION",
			a->slow_kw == VTEL_C_SLOW_NS ? "slow-exit" :
						       "slow-exit-idle");
	if (a->reason && a->slow_kw != VTEL_C_SLOW_NS)
		return vtel_usage_error(ctx, "config",
			"--reason goes with slow-exit");
	if (!a->slow_kw)
		return 0;
	if (!a->reason) {
		if (a->slow_default)
			return vtel_usage_error(ctx, "config",
				"'default' needs --reason");
		a->set.v[a->slow_kw] = a->slow_ns;
		a->set.have |= 1ULL << a->slow_kw;
		return 0;
	}
	so = &a->set.slow[a->set.n_slow++];
	snprintf(so->reason, sizeof(so->reason), "%s", a->reason);
	so->ns = a->slow_ns;
	so->clear = a->slow_default;
	return 0;
}

static int find_opt(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (strlen(opts[i].name) == len && !strncmp(name, opts[i].name, len))
			return (int)i;
	return -1;
}

/* Everything after the command name. */
static int parse_cmd_args(struct vtel_ctx *ctx, int argc, char **argv,
			  struct vtel_args *a)
{
	const struct vtel_command *c = a->cmd;
	const char *arg, *val, *eq;
	bool version = false, dashdash = false;
	int i, o, npos = 0, err;

	for (i = 0; i < argc; i++) {
		arg = argv[i];
		if (dashdash || arg[0] != '-' || !arg[1]) {
			if (npos >= c->max_pos)
				return vtel_usage_error(ctx, c->name,
					"unexpected argument '%s'", arg);
			npos++;
			if (!strcmp(c->name, "config")) {
				err = config_arg(ctx, a, arg);
				if (err)
					return err;
			} else {
				a->reason = arg;
			}
			continue;
		}
		if (!strcmp(arg, "--")) {
			dashdash = true;
			continue;
		}
		if (arg[1] != '-') {
			if (global_flag(ctx, arg, &a->help, &version) || version)
				return vtel_usage_error(ctx, c->name,
					"unknown option '%s'", arg);
			continue;
		}
		eq = strchr(arg + 2, '=');
		o = find_opt(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
		if (o < 0 || !(c->opts & opts[o].need)) {
			if (!eq && !global_flag(ctx, arg, &a->help, &version) &&
			    !version)
				continue;
			return vtel_usage_error(ctx, c->name,
				"unknown option '%s'", arg);
		}
		if (opts[o].flag) {
			if (eq)
				return vtel_usage_error(ctx, c->name,
					"--%s takes no value", opts[o].name);
			val = NULL;
		} else if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				return vtel_usage_error(ctx, c->name,
					"--%s needs a value", opts[o].name);
			val = argv[++i];
		}
		err = set_opt(ctx, a, o, val);
		if (err)
			return err;
	}
	if (a->help)
		return 0;
	if (npos < c->min_pos)
		return vtel_usage_error(ctx, c->name, "missing %s",
					c->synopsis);
	if (a->sel.has_vcpu && !a->sel.has_pid && !a->sel.has_vm)
		return vtel_usage_error(ctx, c->name,
			"--vcpu needs --pid or --vm");
	if (a->sel.own && !vtel_sel_cgroup(&a->sel))
		return vtel_usage_error(ctx, c->name,
			"--own needs --cgroup, --cgroup-id or --cgroup-dir");
	if (a->has_interval && !a->tree && !strcmp(c->name, "cgroups"))
		return vtel_usage_error(ctx, c->name, "--interval needs --tree");
	if ((!strcmp(c->name, "vcpus") || !strcmp(c->name, "io")) &&
	    !a->sel.has_pid && !a->sel.has_vm)
		return vtel_usage_error(ctx, c->name, "needs --pid or --vm");
	if (a->reason && !a->reason[0])
		return vtel_usage_error(ctx, c->name, "empty REASON");
	if (a->reason && strlen(a->reason) > VTEL_REASON_MAX)
		return vtel_usage_error(ctx, c->name,
			"REASON longer than %d bytes: no exit reason is",
			VTEL_REASON_MAX);
	if (!strcmp(c->name, "config"))
		return config_finish(ctx, a);
	return 0;
}

int vtel_parse_args(struct vtel_ctx *ctx, int argc, char **argv,
		    struct vtel_args *a)
{
	bool help = false, version = false;
	int i;

	memset(a, 0, sizeof(*a));
	a->interval_ms = 1000;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (global_flag(ctx, argv[i], &help, &version))
			return vtel_usage_error(ctx, NULL,
				"unknown option '%s'", argv[i]);
	}
	if (version) {
		fprintf(ctx->out.f, "vtel %s (generic netlink family \"%s\", interface version %d)\n",
			VTEL_CLI_VERSION, VTEL_GENL_NAME, VTEL_GENL_VERSION);
		return -1;
	}
	if (i < argc && !strcmp(argv[i], "help")) {
		help = true;
		i++;
	}
	if (i >= argc) {
		if (help) {
			usage(ctx->out.f);
			return -1;
		}
		return vtel_usage_error(ctx, NULL, "no command given");
	}
	a->cmd = vtel_find_cmd(argv[i]);
	if (!a->cmd)
		return vtel_usage_error(ctx, NULL, "unknown command '%s'",
					argv[i]);
	a->help = help;
	return parse_cmd_args(ctx, argc - i - 1, argv + i + 1, a);
}

int vtel_main(struct vtel_ctx *ctx, int argc, char **argv)
{
	struct vtel_args a;
	int ret;

	ret = vtel_parse_args(ctx, argc, argv, &a);
	if (ret < 0)
		return VTEL_EXIT_OK;	/* help or version printed */
	if (ret)
		return ret;
	if (a.help) {
		cmd_usage(ctx->out.f, a.cmd);
		return VTEL_EXIT_OK;
	}
	if (a.cmd->interruptible && ctx->catch_signals)
		ctx->catch_signals(ctx);
	ret = a.cmd->run(ctx, &a);
	fflush(ctx->out.f);
	vtel_close(ctx);
	return ret;
}
