// SPDX-License-Identifier: GPL-2.0
/*
 * Every command end to end against the fake kernel: the requests it sends
 * (checked against the ABI's policies by the fake), tables, JSON (saved
 * for python3 -m json.tool and the schema checker) and exit statuses.
 */
#include <errno.h>
#include <stdlib.h>

#include "fake.h"
#include "unit.h"

static struct fake f;
static struct fake_run r;

static void run(const char *args)
{
	fake_init(&f);
	fake_vtel(&f, &r, args);
	CHECK_U64(f.violations, 0);
}

static void done(void)
{
	fake_run_free(&r);
	fake_free(&f);
}

/* Runs args, expects exit 0 and no stderr, saves stdout as dir/name. */
static void run_ok(const char *args, const char *dir, const char *name)
{
	run(args);
	CHECK_INT(r.rc, 0);
	CHECK_STR(r.err, "");
	if (dir)
		unit_save(dir, name, r.out);
}

static void status(void)
{
	unit_case("text");
	run_ok("status", NULL, NULL);
	CHECK_PREFIX(r.out, "module:             loaded, interface version 1\n");
	CHECK_HAS(r.out, "version:            0.1.0\n");
	CHECK_HAS(r.out, "attached:           yes\n");
	CHECK_HAS(r.out, "vendor:             svm\n");
	CHECK_HAS(r.out, "exits:              1.2M\n");
	CHECK_HAS(r.out, "handling time:      35.1ms\n");
	CHECK_HAS(r.out, "guest time:         2.3s\n");
	CHECK_HAS(r.out, "overhead:           1.50%\n");
	CHECK_HAS(r.out, "untracked exits:    42\n");
	CHECK_HAS(r.out, "events dropped:     7\n");
	CHECK_HAS(r.out, "cgroup stale exits: 5\n");
	CHECK_LACKS(r.out, "generation");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_STATUS);
	done();

	unit_case("json");
	run_ok("-j status", "json", "status.json");
	CHECK_STR(r.out, "{\"loaded\":true,\"family_version\":1,\"version\":\"0.1.0\","
		  "\"attached\":true,\"vendor\":\"svm\",\"vms_live\":1,\"vms_retired\":1,"
		  "\"vms_evicted\":3,\"vcpus\":3,\"exits\":1234567,\"handling_ns\":35100000,"
		  "\"guest_ns\":2300000000,\"kvm_ns\":35100000,\"vmm_ns\":0,\"wait_ns\":0,"
		  "\"idle_ns\":0,\"poll_ns\":0,\"overhead_ppm\":15031,\"overhead_pct\":1.5031,"
		  "\"wait_ppm\":0,\"wait_pct\":0,\"split_missed\":0,\"slow_exits\":12,\"untracked_vms\":0,\"untracked_vcpus\":1,\"untracked_exits\":42,"
		  "\"reason_overflow\":0,\"layout_errors\":0,\"events_dropped\":7,"
		  "\"cgroups\":2,\"cgroups_released\":0,\"untracked_cgroups\":0,"
		  "\"segment_drops\":0,\"cgroup_stale_exits\":5,\"generation\":99}\n");
	done();

	unit_case("pretty json");
	run_ok("-p status", "json", "status-pretty.json");
	CHECK_HAS(r.out, "{\n  \"loaded\": true,\n");
	done();

	unit_case("malformed: EXITS as u32");
	fake_init(&f);
	f.malform = MAL_STATUS_WRONG_SIZE;
	fake_vtel(&f, &r, "status");
	CHECK_INT(r.rc, 1);
	CHECK_STR(r.err, "vtel: malformed reply to GET_STATUS: vtel attribute EXITS has 4 bytes, expected 8\n");
	CHECK_STR(r.out, "");
	done();
}

static void exits(void)
{
	const char *io, *npf, *pf, *hlt;

	unit_case("--pid is pinned to the VM id");
	run_ok("exits --pid 4242", NULL, NULL);
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_EXITS);
	CHECK_U64(f.last_attrs, 1ULL << VTEL_A_VM_ID);
	CHECK_U64(f.last_vm_id, 1);
	CHECK_HAS(r.out, "VM 1, pid 4242, comm qemu-system-x86, vCPUs 2, exits 123k, handling 35.1ms, guest 2.3s, kvm 35.1ms, vmm 0ns, wait 0ns, idle 0ns, poll 0ns, overhead 1.50%, waiting 0.00%, slow 12, overflow 0\n");
	CHECK_HAS(r.out, "REASON   CATEGORY  COUNT  TOTAL    KVM  VMM  WAIT  IDLE    MIN     MAX    P50    P90     P99   P99.9\n");
	CHECK_HAS(r.out, "io       io         3.0k  3.5ms  3.5ms  0ns   0ns   0ns  511ns  35.1\xc2\xb5s  1.0\xc2\xb5s  1.0\xc2\xb5s   2.0\xc2\xb5s  32.8\xc2\xb5s\n");
	CHECK_HAS(r.out, "PF excp  memory      500  400\xc2\xb5s  400\xc2\xb5s  0ns   0ns   0ns  100ns   5.0\xc2\xb5s  1.0\xc2\xb5s  2.0\xc2\xb5s   4.1\xc2\xb5s   5.0\xc2\xb5s\n");
	CHECK_HAS(r.out, "hlt      halt          3    0ns    0ns  0ns   0ns   0ns      -       -      -      -       -       -\n");
	io = strstr(r.out, "\nio ");
	npf = strstr(r.out, "\nnpf ");
	pf = strstr(r.out, "\nPF excp ");
	hlt = strstr(r.out, "\nhlt ");
	CHECK(io && npf && pf && hlt && io < npf && npf < pf && pf < hlt);
	CHECK_U64(unit_lines(r.out), 6);
	done();

	unit_case("json, VM view");
	run_ok("-j exits --pid 4242", "json", "exits-vm.json");
	CHECK_PREFIX(r.out, "{\"view\":{\"type\":\"vm\",\"vm_id\":1,\"pid\":4242,"
		       "\"comm\":\"qemu-system-x86\",\"vcpus\":2,\"exits\":123456,"
		       "\"handling_ns\":35100000,\"guest_ns\":2300000000,"
		       "\"kvm_ns\":35100000,\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0,"
		       "\"overhead_ppm\":15031,\"overhead_pct\":1.5031,\"wait_ppm\":0,"
		       "\"wait_pct\":0,\"slow_exits\":12,"
		       "\"l2_exits\":null,\"l2_handling_ns\":null,"
		       "\"reason_overflow\":0},\"exits\":[");
	CHECK_HAS(r.out, "{\"reason\":\"io\",\"code\":123,\"isa\":\"svm\",\"category\":\"io\","
		  "\"count\":3000,\"timed\":3000,\"total_ns\":3500000,\"kvm_ns\":3500000,"
		  "\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0,\"min_ns\":511,"
		  "\"max_ns\":35100,\"p50_ns\":1023,\"p90_ns\":1023,\"p99_ns\":2047,"
		  "\"p999_ns\":32767,\"unbinned\":null}");
	CHECK_HAS(r.out, "{\"reason\":\"hlt\",\"code\":120,\"isa\":\"svm\",\"category\":\"halt\","
		  "\"count\":3,\"timed\":0,\"total_ns\":0,\"kvm_ns\":0,\"vmm_ns\":0,"
		  "\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0,\"min_ns\":null,\"max_ns\":null,"
		  "\"p50_ns\":null,\"p90_ns\":null,\"p99_ns\":null,\"p999_ns\":null,\"unbinned\":null}");
	CHECK_U64(unit_lines(r.out), 1);
	done();

	unit_case("json, host view");
	run_ok("-j exits", "json", "exits-host.json");
	CHECK_HAS(r.out, "{\"view\":{\"type\":\"host\",\"vcpus\":3,");
	CHECK_HAS(r.out, "\"untracked_exits\":42");
	CHECK_LACKS(r.out, "vm_id");
	CHECK_U64(f.last_attrs, 0);
	done();

	unit_case("json, vCPU view");
	run_ok("-p exits --vm 1 --vcpu 1", "json", "exits-vcpu.json");
	CHECK_HAS(r.out, "\"type\": \"vcpu\",\n    \"vm_id\": 1,");
	CHECK_HAS(r.out, "\"vcpu_id\": 1,");
	CHECK_U64(f.last_attrs, (1ULL << VTEL_A_VM_ID) | (1ULL << VTEL_A_VCPU_ID));
	CHECK_U64(f.last_vcpu_id, 1);
	done();

	unit_case("text, host view");
	run_ok("exits", NULL, NULL);
	CHECK_PREFIX(r.out, "host: vCPUs 3, exits 124k,");
	CHECK_HAS(r.out, "untracked 42");
	done();

	unit_case("--sort time --top 2");
	run_ok("exits --sort time --top 2", NULL, NULL);
	npf = strstr(r.out, "\nnpf ");
	io = strstr(r.out, "\nio ");
	CHECK(npf && io && npf < io);
	CHECK_LACKS(r.out, "PF excp");
	CHECK_U64(unit_lines(r.out), 4);
	done();

	unit_case("--sort max");
	run_ok("-j exits --sort max", NULL, NULL);
	npf = strstr(r.out, "\"npf\"");
	io = strstr(r.out, "\"io\"");
	pf = strstr(r.out, "\"PF excp\"");
	CHECK(npf && io && pf && npf < io && io < pf);
	done();

	unit_case("--sort p99");
	run_ok("-j exits --sort p99", NULL, NULL);
	npf = strstr(r.out, "\"npf\"");
	pf = strstr(r.out, "\"PF excp\"");
	io = strstr(r.out, "\"io\"");
	CHECK(npf && io && pf && npf < pf && pf < io);
	done();

	unit_case("unknown pid: exit 5 with the kernel's message");
	run("exits --pid 999");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: pid 999: no VM of pid 999\n");
	CHECK_STR(r.out, "");
	done();

	unit_case("unknown vCPU: exit 5");
	run("-j exits --vm 1 --vcpu 9");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: VM 1 vCPU 9: VM 1 has no vCPU 9\n");
	CHECK_STR(r.out, "");
	done();
}

static void vms(void)
{
	unit_case("text");
	run_ok("vms", NULL, NULL);
	CHECK_HAS(r.out, "VM   PID  COMM             NAME             STATE    VCPUS  EXITS  HANDLING  GUEST     KVM    VMM   WAIT   IDLE  OVERHEAD  WAIT%  SLOW\n");
	CHECK_HAS(r.out, " 1  4242  qemu-system-x86  qemu-system-x86  live         2   123k    35.1ms   2.3s  35.1ms    0ns    0ns    0ns     1.50%  0.00%    12\n");
	/*
	 * Control characters and invalid UTF-8 from comm never reach the
	 * terminal. VM 2 idles half its handling time: its overhead leaves
	 * idle and wait out, (200 + 200) / (9000 + 200 + 200).
	 */
	CHECK_HAS(r.out, " 2  4343  we\"ird\\vm??      we\"ird\\vm??      retired      1    999     1.0\xc2\xb5s  9.0\xc2\xb5s   200ns  200ns  100ns  500ns     4.26%  1.05%     0\n");
	done();

	unit_case("json");
	run_ok("-j vms", "json", "vms.json");
	CHECK_HAS(r.out, "{\"vms\":[{\"vm_id\":1,\"pid\":4242,\"comm\":\"qemu-system-x86\","
		  "\"name\":\"qemu-system-x86\",\"name_source\":\"comm\","
		  "\"state\":\"live\",\"vcpus\":2,\"exits\":123456,");
	CHECK_HAS(r.out, "\"comm\":\"we\\\"ird\\\\vm\\n\\ufffd\",\"name\":\"we\\\"ird\\\\vm\\n\\ufffd\","
		  "\"name_source\":\"comm\",\"state\":\"retired\"");
	done();

	unit_case("malformed: VM_ID of 2 bytes");
	fake_init(&f);
	f.malform = MAL_WRONG_SIZE;
	fake_vtel(&f, &r, "vms");
	CHECK_INT(r.rc, 1);
	CHECK_STR(r.err, "vtel: malformed reply to GET_VMS: vtel attribute VM_ID has 2 bytes, expected 4\n");
	done();

	unit_case("malformed: no VM_ID");
	fake_init(&f);
	f.malform = MAL_MISSING_KEY;
	fake_vtel(&f, &r, "-j vms");
	CHECK_INT(r.rc, 1);
	CHECK_STR(r.err, "vtel: malformed reply to GET_VMS: GET_VMS reply without VTEL_A_VM_ID\n");
	CHECK_STR(r.out, "");
	done();

	unit_case("malformed: COMM without NUL");
	fake_init(&f);
	f.malform = MAL_NO_NUL;
	fake_vtel(&f, &r, "vms");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "COMM is not a NUL-terminated string");
	done();

	unit_case("malformed: truncated attribute");
	fake_init(&f);
	f.malform = MAL_TRUNC_ATTR;
	fake_vtel(&f, &r, "vms");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "truncated attribute");
	done();
}

static void vcpus(void)
{
	unit_case("--vm");
	run_ok("vcpus --vm 1", NULL, NULL);
	CHECK_U64(f.last_attrs, 1ULL << VTEL_A_VM_ID);
	CHECK_HAS(r.out, "VM  VCPU   TID  EXITS  HANDLING  GUEST     KVM  VMM  WAIT  IDLE  OVERHEAD  WAIT%  SLOW\n");
	CHECK_HAS(r.out, "\n 1     0  4243  61.7k    17.6ms   1.2s  17.6ms  0ns   0ns   0ns     1.50%  0.00%     0\n"
		  " 1     1  4244  61.7k    17.6ms   1.2s  17.6ms  0ns   0ns   0ns     1.50%  0.00%     1\n");
	CHECK_U64(unit_lines(r.out), 3);
	done();

	unit_case("--pid is sent as VTEL_A_PID");
	run_ok("-j vcpus --pid 4343", "json", "vcpus.json");
	CHECK_U64(f.last_attrs, 1ULL << VTEL_A_PID);
	CHECK_U64(f.last_pid, 4343);
	CHECK_STR(r.out, "{\"vcpus\":[{\"vm_id\":2,\"vcpu_id\":0,\"tid\":4344,\"exits\":999,"
		  "\"handling_ns\":1000,\"guest_ns\":9000,\"kvm_ns\":200,\"vmm_ns\":200,"
		  "\"wait_ns\":100,\"idle_ns\":500,\"poll_ns\":250,\"overhead_ppm\":42553,"
		  "\"overhead_pct\":4.2553,\"wait_ppm\":10526,\"wait_pct\":1.0526,"
		  "\"slow_exits\":0,\"l2_exits\":null}]}\n");
	done();

	unit_case("unknown VM: exit 5");
	run("vcpus --vm 7");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: VM 7: no VM with id 7\n");
	done();
}

static void hist(void)
{
	unit_case("text, io");
	run_ok("hist io --pid 4242", NULL, NULL);
	CHECK_STR(f.last_reason, "io");
	CHECK_U64(f.last_flags_attr, VTEL_F_HIST);
	CHECK_U64(f.last_attrs, (1ULL << VTEL_A_VM_ID) | (1ULL << VTEL_A_FLAGS) |
		  (1ULL << VTEL_A_REASON));
	CHECK_HAS(r.out, "io, category io, count 3.0k, timed 3.0k, total 3.5ms, min 511ns, "
		  "p50 1.0\xc2\xb5s, p90 1.0\xc2\xb5s, p99 2.0\xc2\xb5s, p99.9 32.8\xc2\xb5s, max 35.1\xc2\xb5s\n");
	CHECK_HAS(r.out, "\nRANGE             COUNT     %\n"
		  "[256ns, 512ns)       10   0.3  #\n"
		  "[512ns, 1.0\xc2\xb5s)     2.9k  96.7  ########################################\n"
		  "[1.0\xc2\xb5s, 2.0\xc2\xb5s)       80   2.7  #\n"
		  "[2.0\xc2\xb5s, 4.1\xc2\xb5s)        0   0.0\n"
		  "[4.1\xc2\xb5s, 8.2\xc2\xb5s)        0   0.0\n"
		  "[8.2\xc2\xb5s, 16.4\xc2\xb5s)       0   0.0\n"
		  "[16.4\xc2\xb5s, 32.8\xc2\xb5s)      9   0.3  #\n"
		  "[32.8\xc2\xb5s, inf)         1   0.0  #\n");
	done();

	unit_case("json, io");
	run_ok("-j hist io", "json", "hist.json");
	CHECK_HAS(r.out, "\"buckets\":[{\"le_ns\":511,\"count\":10},{\"le_ns\":1023,\"count\":2900},");
	CHECK_HAS(r.out, "{\"le_ns\":18446744073709551615,\"count\":1}]}\n");
	CHECK_HAS(r.out, "{\"view\":{\"type\":\"host\",");
	CHECK_HAS(r.out, "\"exit\":{\"reason\":\"io\",");
	done();

	unit_case("a reason with a space");
	run_ok("hist 'PF excp' --vm 1 --vcpu 0", NULL, NULL);
	CHECK_STR(f.last_reason, "PF excp");
	CHECK_HAS(r.out, "PF excp, category memory,");
	done();

	unit_case("never timed");
	run_ok("hist hlt", NULL, NULL);
	CHECK_HAS(r.out, "hlt, category halt, count 3, timed 0, total 0ns\nno timed exits\n");
	done();

	unit_case("a known reason without exits in the view");
	run_ok("hist cpuid --pid 4242", NULL, NULL);
	CHECK_HAS(r.out, "\ncpuid: no exits\n");
	done();
	run_ok("-j hist cpuid", "json", "hist-empty.json");
	CHECK_HAS(r.out, ",\"exit\":null,\"buckets\":[]}\n");
	done();

	unit_case("unknown reason: exit 5");
	run("hist bogus --vm 1");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: VM 1, reason \"bogus\": unknown exit reason \"bogus\"\n");
	done();

	unit_case("malformed: bucket without LE");
	fake_init(&f);
	f.malform = MAL_BUCKET_NO_LE;
	fake_vtel(&f, &r, "hist io");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "without VTEL_A_BUCKET_LE");
	done();

	unit_case("malformed: duplicate buckets");
	fake_init(&f);
	f.malform = MAL_DUP_BUCKET;
	fake_vtel(&f, &r, "hist io");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "two histogram buckets");
	done();

	unit_case("malformed: too many buckets");
	fake_init(&f);
	f.malform = MAL_TOO_MANY_BUCKETS;
	fake_vtel(&f, &r, "hist io");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "more than 512");
	done();
}

static void top(void)
{
	const char *second;

	unit_case("plain text, two refreshes");
	run_ok("top --count 2 --interval 0.5", NULL, NULL);
	CHECK_U64(f.waits, 2);
	CHECK_LACKS(r.out, "\033");
	CHECK_HAS(r.out, "vtel top: 8.0k exits/s over 500ms\n\n");
	CHECK_HAS(r.out, "VM   PID  COMM             EXITS/s  HANDLING/s  OVERHEAD\n");
	CHECK_HAS(r.out, " 1  4242  qemu-system-x86     2.0k       2.0ms    10.00%\n");
	CHECK_HAS(r.out, "REASON   CATEGORY  EXITS/s   SHARE    AVG\n");
	CHECK_HAS(r.out, "io       io           2.0k  25.00%  500ns\n");
	CHECK_HAS(r.out, "hlt      halt         2.0k  25.00%      -\n");
	second = strstr(r.out, "vtel top:");
	CHECK(second && strstr(second + 1, "vtel top:"));
	done();

	unit_case("json lines");
	run_ok("-j top --count 3 --interval 2", "jsonl", "top.jsonl");
	CHECK_U64(unit_lines(r.out), 3);
	CHECK_HAS(r.out, "{\"interval_ns\":2000000000,\"vms\":[{\"vm_id\":1,\"pid\":4242,"
		  "\"comm\":\"qemu-system-x86\",\"exits\":1000,\"exits_per_s\":500.0,"
		  "\"handling_ns\":1000000,\"guest_ns\":9000000,\"kvm_ns\":1000000,"
		  "\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"wait_ppm\":0,"
		  "\"handling_ns_per_s\":500000.0,\"overhead_ppm\":100000}");
	CHECK_HAS(r.out, "\"reasons\":[{\"reason\":\"PF excp\",\"category\":\"memory\",\"exits\":1000,"
		  "\"exits_per_s\":500.0,\"timed\":1000,\"total_ns\":500000,\"avg_ns\":500}");
	done();

	unit_case("--by vm");
	run_ok("top --count 1 --by vm", NULL, NULL);
	CHECK_HAS(r.out, "EXITS/s");
	CHECK_LACKS(r.out, "REASON");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_VMS);
	done();

	unit_case("--by reason");
	run_ok("-j top --count 1 --by reason", NULL, NULL);
	CHECK_LACKS(r.out, "\"vms\"");
	CHECK_HAS(r.out, "\"reasons\"");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_EXITS);
	done();

	unit_case("q before the first refresh");
	fake_init(&f);
	f.quit_after = 1;
	fake_vtel(&f, &r, "top");
	CHECK_INT(r.rc, 0);
	CHECK_STR(r.out, "");
	done();

	unit_case("no permission: exit 4");
	fake_init(&f);
	f.fail_cmd = VTEL_CMD_GET_VMS;
	f.fail_err = -13;
	fake_vtel(&f, &r, "top --count 1");
	CHECK_INT(r.rc, 4);
	done();
}

static void admin(void)
{
	unit_case("reset");
	run_ok("reset", NULL, NULL);
	CHECK_INT(f.resets, 1);
	CHECK_STR(r.out, "");
	CHECK(!(f.last_flags & 0x300));		/* not a dump */
	done();

	unit_case("config show");
	run_ok("config", NULL, NULL);
	CHECK_STR(r.out, "slow_ns=100000\nevent_rate=100\nunprivileged_read=0\n"
		  "max_vms=64\nmax_vcpus=1024\nretired_vms=16\nretired_secs=600\n"
		  "max_addrs=8\nslow_idle_ns=0\n");
	done();

	unit_case("config json");
	run_ok("-j config", "json", "config.json");
	CHECK_STR(r.out, "{\"slow_ns\":100000,\"event_rate\":100,\"unprivileged_read\":0,"
		  "\"max_vms\":64,\"max_vcpus\":1024,\"retired_vms\":16,\"retired_secs\":600,"
		  "\"max_addrs\":8,\"slow_idle_ns\":0,\"slow_ns_by_reason\":{}}\n");
	done();

	unit_case("config set");
	run_ok("config event_rate=10 slow_ns=5000", NULL, NULL);
	CHECK_U64(f.last_cmd, VTEL_CMD_SET_CONFIG);
	CHECK_U64(f.last_cfg_have, (1ULL << VTEL_C_SLOW_NS) | (1ULL << VTEL_C_EVENT_RATE));
	CHECK_U64(f.slow_ns, 5000);
	CHECK_U64(f.event_rate, 10);
	CHECK_STR(r.out, "");
	done();

	unit_case("config set one");
	run_ok("config slow_ns=18446744073709551615", NULL, NULL);
	CHECK_U64(f.last_cfg_have, 1ULL << VTEL_C_SLOW_NS);
	CHECK_U64(f.slow_ns, UINT64_MAX);
	done();

	unit_case("config slow-exit: the common threshold");
	run_ok("config slow-exit 100us", NULL, NULL);
	CHECK_U64(f.last_cfg_have, 1ULL << VTEL_C_SLOW_NS);
	CHECK_U64(f.slow_ns, 100000);
	CHECK_INT(f.last_slow_n, 0);
	done();

	unit_case("config slow-exit --reason");
	run_ok("config slow-exit 2ms --reason npf", NULL, NULL);
	CHECK_U64(f.last_cfg_have, 1ULL << VTEL_C_SLOW_OVERRIDE);
	CHECK_INT(f.last_slow_n, 1);
	CHECK_STR(f.last_slow_reason, "npf");
	CHECK_U64(f.last_slow_ns, 2000000);
	done();

	unit_case("config slow-exit default --reason");
	run_ok("config slow-exit default --reason=npf", NULL, NULL);
	CHECK_INT(f.last_slow_n, 1);
	CHECK_STR(f.last_slow_reason, "npf");
	CHECK_U64(f.last_slow_ns, UINT64_MAX);	/* no VTEL_S_NS: back to default */
	done();

	unit_case("config slow-exit-idle");
	run_ok("config slow-exit-idle off", NULL, NULL);
	CHECK_U64(f.last_cfg_have, 1ULL << VTEL_C_SLOW_IDLE_NS);
	CHECK_U64(f.last_cfg[VTEL_C_SLOW_IDLE_NS], 0);
	done();

	unit_case("config shows per-reason thresholds");
	fake_init(&f);
	f.nslow = 2;
	snprintf(f.slow[0].reason, sizeof(f.slow[0].reason), "npf");
	f.slow[0].ns = 2000000;
	snprintf(f.slow[1].reason, sizeof(f.slow[1].reason), "io");
	f.slow[1].ns = 0;
	fake_vtel(&f, &r, "config");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "max_addrs=8\nslow_idle_ns=0\nslow_ns.npf=2000000\nslow_ns.io=0\n");
	fake_run_free(&r);
	fake_vtel(&f, &r, "-j config");
	CHECK_HAS(r.out, "\"slow_ns_by_reason\":{\"npf\":2000000,\"io\":0}}\n");
	done();

	unit_case("config malformed reply");
	fake_init(&f);
	f.malform = MAL_CONFIG_WRONG_SIZE;
	fake_vtel(&f, &r, "config");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "config attribute 3 has 8 bytes, expected 4");
	done();
}

static void events(void)
{
	unit_case("text until interrupted");
	run_ok("events", NULL, NULL);
	CHECK(f.subscribed == false);	/* closed at the end */
	CHECK_STR(r.out,
		  "2023-11-14T22:13:20.123 start, VM 3, pid 5000, comm qemu\n"
		  "2023-11-14T22:13:20.123 stop, VM 3, pid 5000, comm qemu, exits 1.2M, handling 35.1ms, guest 2.3s\n"
		  "2023-11-14T22:13:20.123 start, VM 4, pid 5001, comm vtel-testvmm\n");
	done();

	unit_case("--count 2, json lines");
	run_ok("-j events --count 2", "jsonl", "events.jsonl");
	CHECK_STR(r.out,
		  "{\"time_ns\":1700000000123456789,\"event\":\"start\",\"vm_id\":3,\"pid\":5000,\"comm\":\"qemu\"}\n"
		  "{\"time_ns\":1700000000123456789,\"event\":\"stop\",\"vm_id\":3,\"pid\":5000,\"comm\":\"qemu\","
		  "\"exits\":1234567,\"handling_ns\":35100000,\"guest_ns\":2300000000}\n");
	done();

	unit_case("lost events are reported, reading goes on");
	fake_init(&f);
	f.enobufs_once = true;
	fake_vtel(&f, &r, "events --count 1");
	CHECK_INT(r.rc, 0);
	CHECK_STR(r.err, "vtel: events lost: socket receive buffer overrun\n");
	CHECK_U64(unit_lines(r.out), 1);
	done();

	unit_case("joining the group is refused: exit 4");
	fake_init(&f);
	f.subscribe_err = -EPERM;
	fake_vtel(&f, &r, "events");
	CHECK_INT(r.rc, 4);
	CHECK_STR(r.err, "vtel: permission denied: joining the vtel \"events\" multicast group\n");
	done();

	unit_case("a malformed event is skipped");
	fake_init(&f);
	f.malform = MAL_EVENT_BAD;
	fake_vtel(&f, &r, "events");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.err, "ignoring a malformed VM_EVENT: VM_EVENT without VTEL_A_EVENT");
	CHECK_U64(unit_lines(r.out), 2);
	done();
}

static void export(void)
{
	unit_case("prometheus");
	run_ok("export", "prom", "export.prom");
	CHECK_HAS(r.out, "# HELP vtel_exits_total VM exits by VM and exit reason.\n# TYPE vtel_exits_total counter\n");
	CHECK_HAS(r.out, "vtel_exits_total{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\"} 3000\n");
	CHECK_HAS(r.out, "vtel_exits_total{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"PF excp\"} 500\n");
	CHECK_HAS(r.out, "comm=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\"");
	CHECK_HAS(r.out, "vtel_exit_handling_seconds_bucket{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\",le=\"0.000000511\"} 10\n");
	CHECK_HAS(r.out, "vtel_exit_handling_seconds_bucket{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\",le=\"1.073741823\"} 2999\n");
	CHECK_HAS(r.out, "vtel_exit_handling_seconds_bucket{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\",le=\"+Inf\"} 3000\n");
	CHECK_HAS(r.out, "vtel_exit_handling_seconds_sum{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\"} 0.0035\n");
	CHECK_HAS(r.out, "vtel_exit_handling_seconds_count{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",reason=\"io\"} 3000\n");
	CHECK_HAS(r.out, "vtel_guest_seconds_total{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\"} 2.3\n");
	CHECK_HAS(r.out, "vtel_handling_seconds_total{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\"} 0.0351\n");
	CHECK_HAS(r.out, "vtel_untracked_exits_total 42\n");
	CHECK_HAS(r.out, "vtel_host_reason_exits_total{reason=\"npf\"} 2000\n");
	CHECK_HAS(r.out, "vtel_info{version=\"0.1.0\",vendor=\"svm\"} 1\n");
	CHECK_HAS(r.out, "vtel_vms{state=\"retired\"} 1\n");
	CHECK_HAS(r.out, "vtel_vm_info{vm_id=\"2\",pid=\"4343\",comm=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",vm_name=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",state=\"retired\"} 1\n");
	/* The time split: one counter per view with a kind label. */
	CHECK_HAS(r.out, "# TYPE vtel_time_seconds_total counter\n");
	CHECK_HAS(r.out, "vtel_time_seconds_total{vm_id=\"2\",pid=\"4343\",comm=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",vm_name=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",kind=\"guest\"} 0.000009\n");
	CHECK_HAS(r.out, "vtel_time_seconds_total{vm_id=\"2\",pid=\"4343\",comm=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",vm_name=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",kind=\"idle\"} 0.0000005\n");
	CHECK_HAS(r.out, "vtel_host_time_seconds_total{kind=\"kvm\"} 0.0351\n");
	CHECK_HAS(r.out, "vtel_halt_poll_seconds_total{vm_id=\"2\",pid=\"4343\",comm=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\",vm_name=\"we\\\"ird\\\\vm\\n\xef\xbf\xbd\"} 0.00000025\n");
	CHECK_HAS(r.out, "vtel_cgroup_time_seconds_total{cgroup=\"/tenant-a/vm1\",kind=\"kvm\"} 0.03\n");
	CHECK_HAS(r.out, "# TYPE vtel_cgroup_exits_total counter\n"
		  "vtel_cgroup_exits_total{cgroup=\"/\"} 0\n"
		  "vtel_cgroup_exits_total{cgroup=\"/tenant-a\"} 0\n"
		  "vtel_cgroup_exits_total{cgroup=\"/tenant-a/vm1\"} 100000\n"
		  "vtel_cgroup_exits_total{cgroup=\"/tenant-a/vm2\"} 20000\n"
		  "vtel_cgroup_exits_total{cgroup=\"/tenant-b\"} 0\n"
		  "vtel_cgroup_exits_total{cgroup=\"/tenant-b/vm3\"} 999\n# HELP ");
	CHECK_HAS(r.out, "# HELP vtel_cgroup_exits_total VM exits of vCPU threads in the cgroup itself, "
		  "not its descendants: a sum over cgroups counts each exit once.\n");
	CHECK_HAS(r.out, "vtel_cgroup_handling_seconds_total{cgroup=\"/tenant-a/vm1\"} 0.03\n");
	CHECK_HAS(r.out, "vtel_cgroup_guest_seconds_total{cgroup=\"/tenant-a/vm1\"} 2\n");
	CHECK_HAS(r.out, "vtel_cgroup_slow_exits_total{cgroup=\"/tenant-a/vm2\"} 1\n");
	CHECK_HAS(r.out, "vtel_cgroup_info{cgroup=\"/tenant-a/vm1\",cgroup_id=\"101\",level=\"2\"} 1\n");
	/* The removed cgroup (102) has no path: left out. */
	CHECK_LACKS(r.out, "cgroup=\"\"");
	CHECK_LACKS(r.out, "cgroup_id=\"102\"");
	CHECK_LACKS(r.out, "} 23456\n");
	/*
	 * ctrl, status, host exits, GET_VMS, GET_EXITS+HIST and GET_ADDRS
	 * per VM, cgroups.
	 */
	CHECK_U64(f.requests, 1 + 1 + 1 + 1 + 2 * 2 + 1);
	CHECK_HAS(r.out, "vtel_addr_exits_total{vm_id=\"1\",pid=\"4242\","
		  "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"0x10\",access=\"out\"} 300\n");
	CHECK_HAS(r.out, "vtel_addr_exits_total{vm_id=\"1\",pid=\"4242\","
		  "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"other\",access=\"other\"} 7\n");
	CHECK_HAS(r.out, "vtel_addr_handling_seconds_total{vm_id=\"1\",pid=\"4242\","
		  "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"0xfeb00000\",access=\"write\"} 0.024\n");
	/* The rows' time split: kinds without guest, summing to handling. */
	CHECK_HAS(r.out, "vtel_addr_time_seconds_total{vm_id=\"1\",pid=\"4242\","
		  "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"0x10\",access=\"out\",kind=\"vmm\"} 0.05\n");
	CHECK_HAS(r.out, "vtel_addr_time_seconds_total{vm_id=\"1\",pid=\"4242\","
		  "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"other\",access=\"other\",kind=\"kvm\"} 0.0007\n");
	CHECK_LACKS(r.out, "vtel_addr_time_seconds_total{vm_id=\"1\",pid=\"4242\","
		    "comm=\"qemu-system-x86\",vm_name=\"qemu-system-x86\",addr=\"0x10\",access=\"out\",kind=\"guest\"}");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_CGROUPS);
	done();

	unit_case("cgroup label values are escaped");
	fake_init(&f);
	f.cgroups[6].path = "/tenant-b/we\"ird\\vm\n\xff";
	fake_vtel(&f, &r, "export");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "vtel_cgroup_exits_total{cgroup=\"/tenant-b/we\\\"ird\\\\vm\\n\xef\xbf\xbd\"} 999\n");
	unit_save("prom", "export-cgroup-escape.prom", r.out);
	done();

	unit_case("a module without cgroups");
	fake_init(&f);
	f.ops &= ~(1ULL << VTEL_CMD_GET_CGROUPS);
	fake_vtel(&f, &r, "export");
	CHECK_INT(r.rc, 0);
	CHECK_LACKS(r.out, "vtel_cgroup_exits_total");
	unit_save("prom", "export-nocgroups.prom", r.out);
	done();

	unit_case("-j is ignored");
	run_ok("-j export --format prometheus", NULL, NULL);
	CHECK_PREFIX(r.out, "# HELP vtel_info ");
	done();

	unit_case("a VM evicted during the export is left out");
	fake_init(&f);
	f.fail_cmd = 0;
	f.vms[2] = f.vms[1];
	f.vms[2].id = 5;	/* GET_VMS lists it, GET_EXITS says -ENOENT */
	f.nvms = 3;
	fake_vtel(&f, &r, "export");
	CHECK_INT(r.rc, 0);
	done();

	unit_case("no permission: exit 4");
	fake_init(&f);
	f.fail_cmd = VTEL_CMD_GET_EXITS;
	f.fail_err = -1;
	fake_vtel(&f, &r, "export");
	CHECK_INT(r.rc, 4);
	CHECK_STR(r.out, "");
	done();
}

static void transport_garbage(void)
{
	static const enum fake_malform m[] = {
		MAL_TRUNC_GENL, MAL_BAD_NLMSG_LEN, MAL_TWO_REPLIES, MAL_NO_REPLY,
	};
	static const char *const want[] = {
		"truncated generic netlink header", "no reply message",
		"more than one reply message", "no reply message",
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		unit_case("status with malform %d", m[i]);
		fake_init(&f);
		f.malform = m[i];
		fake_vtel(&f, &r, "status");
		CHECK_INT(r.rc, 1);
		CHECK_HAS(r.err, want[i]);
		CHECK_STR(r.out, "");
		done();
	}
	unit_case("truncated NLMSG_ERROR");
	fake_init(&f);
	f.malform = MAL_TRUNC_ERR;
	fake_vtel(&f, &r, "exits --pid 1");
	CHECK_INT(r.rc, 1);
	CHECK_HAS(r.err, "malformed reply to GET_VIEW");
	done();

	unit_case("extack TLV past the end");
	fake_init(&f);
	f.malform = MAL_BAD_EXTACK;
	fake_vtel(&f, &r, "exits --pid 1");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: pid 1: not found\n");
	done();
}

static void cgroups(void)
{
	unit_case("text");
	run_ok("cgroups", NULL, NULL);
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_CGROUPS);
	CHECK_STR(r.out,
		  " ID  LEVEL  PATH           EXITS  HANDLING  GUEST  OVERHEAD  SLOW  OWN EXITS\n"
		  "  1      0  /               144k    39.1ms   2.8s     1.38%    13          0\n"
		  "100      1  /tenant-a       143k    39.1ms   2.8s     1.38%    13          0\n"
		  "101      2  /tenant-a/vm1   100k    30.0ms   2.0s     1.48%    10       100k\n"
		  "102      2  -              23.5k     5.1ms  300ms     1.67%     2      23.5k\n"
		  "103      2  /tenant-a/vm2  20.0k     4.0ms  500ms     0.79%     1      20.0k\n"
		  "110      1  /tenant-b        999     1.0\xc2\xb5s  9.0\xc2\xb5s    10.00%     0          0\n"
		  "111      2  /tenant-b/vm3    999     1.0\xc2\xb5s  9.0\xc2\xb5s    10.00%     0        999\n");
	CHECK_U64(f.waits, 0);		/* one snapshot, no waiting */
	done();

	unit_case("json");
	run_ok("-j cgroups", "json", "cgroups.json");
	CHECK_HAS(r.out, "{\"cgroups\":[{\"cgroup_id\":1,\"level\":0,\"path\":\"/\",\"exits\":0,");
	CHECK_HAS(r.out, "\"rollup\":{\"exits\":144455,\"handling_ns\":39101000,\"guest_ns\":2800009000,"
		  "\"kvm_ns\":39101000,\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0,"
		  "\"overhead_ppm\":13772,\"overhead_pct\":1.3772,\"wait_ppm\":0,\"wait_pct\":0,"
		  "\"slow_exits\":13}}");
	CHECK_HAS(r.out, "{\"cgroup_id\":102,\"level\":2,\"path\":null,\"exits\":23456,");
	done();

	unit_case("exits --cgroup: path pinned to the id");
	run_ok("-j exits --cgroup /tenant-a", "json", "exits-cgroup.json");
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_EXITS);
	CHECK_U64(f.last_attrs, 1ULL << VTEL_A_CGROUP_ID);
	CHECK_U64(f.last_cgroup_id, 100);
	CHECK_PREFIX(r.out, "{\"view\":{\"type\":\"cgroup\",\"cgroup_id\":100,"
		     "\"cgroup_path\":\"/tenant-a\",\"cgroup_level\":1,\"vcpus\":2,"
		     "\"exits\":143456,");
	done();

	unit_case("exits --cgroup-id --own");
	run_ok("exits --cgroup-id 101 --own --top 1", NULL, NULL);
	CHECK_U64(f.last_attrs, (1ULL << VTEL_A_CGROUP_ID) | (1ULL << VTEL_A_FLAGS));
	CHECK_U64(f.last_flags_attr, VTEL_F_CGROUP_OWN);
	CHECK_PREFIX(r.out, "cgroup 101, path /tenant-a/vm1, level 2, vCPUs 2, exits 100k,");
	done();

	unit_case("hist --cgroup --own: flags combined");
	run_ok("hist io --cgroup /tenant-a/vm1 --own", NULL, NULL);
	CHECK_U64(f.last_flags_attr, VTEL_F_CGROUP_OWN | VTEL_F_HIST);
	CHECK_U64(f.last_cgroup_id, 101);
	done();

	unit_case("exits --cgroup-dir sends an open directory fd");
	run_ok("exits --cgroup-dir /tmp", NULL, NULL);
	CHECK_PREFIX(r.out, "cgroup 101,");
	/* GET_VIEW got the fd; GET_EXITS the id GET_VIEW answered. */
	CHECK_U64(f.last_attrs, 1ULL << VTEL_A_CGROUP_ID);
	CHECK_U64(f.last_cgroup_id, 101);
	done();

	unit_case("exits --cgroup-dir of a missing directory: exit 5");
	run("exits --cgroup-dir /nonexistent/dir");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: cgroup directory /nonexistent/dir: No such file or directory\n");
	CHECK_U64(f.requests, 1);	/* only the family lookup */
	done();

	unit_case("unknown cgroup: exit 5 with the kernel's message");
	run("exits --cgroup /nope");
	CHECK_INT(r.rc, 5);
	CHECK_STR(r.err, "vtel: cgroup /nope: no cgroup /nope with vCPU threads\n");
	done();

	unit_case("module without GET_CGROUPS: exit 6");
	fake_init(&f);
	f.ops &= ~(1ULL << VTEL_CMD_GET_CGROUPS);
	fake_vtel(&f, &r, "cgroups");
	CHECK_INT(r.rc, 6);
	CHECK_HAS(r.err, "does not support GET_CGROUPS");
	done();
}

/* Runs args on a fake whose cgroups have cpu.stat files, except vm2's if told. */
static void run_cgfs(const char *args, bool no_vm2)
{
	fake_init(&f);
	f.cgroups[4].no_cpu_stat = no_vm2;
	CHECK_INT(fake_cgroupfs(&f), 0);
	fake_vtel(&f, &r, args);
	fake_cgroupfs_remove(&f);
	CHECK_U64(f.violations, 0);
}

static void cgroup_tree(void)
{
	unit_case("text, with cpu.stat");
	run_cgfs("cgroups --tree", false);
	CHECK_INT(r.rc, 0);
	CHECK_STR(r.err, "");
	CHECK_U64(f.waits, 1);
	CHECK_U64(f.requests, 1 + 2);	/* the family, two GET_CGROUPS */
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_CGROUPS);
	CHECK_STR(r.out,
		  "CGROUP             EXITS/s  EXITS  HANDLING  OVERHEAD  CPU SHARE\n"
		  "/                     4.0k   148k    43.1ms     1.50%      2.49%\n"
		  "\xe2\x94\x9c\xe2\x94\x80tenant-a            3.0k   146k    42.1ms     1.47%      5.00%\n"
		  "\xe2\x94\x82 \xe2\x94\x9c\xe2\x94\x80vm1               2.0k   102k    32.0ms     1.56%      5.00%\n"
		  "\xe2\x94\x82 \xe2\x94\x94\xe2\x94\x80vm2               1.0k  21.0k     5.0ms     0.97%      5.00%\n"
		  "\xe2\x94\x94\xe2\x94\x80tenant-b            1.0k   2.0k     1.0ms    10.00%    200.00%\n"
		  "  \xe2\x94\x94\xe2\x94\x80vm3               1.0k   2.0k     1.0ms    10.00%    200.00%\n"
		  "(removed, id 102)      0.0  23.5k     5.1ms     1.67%          -\n");
	done();

	unit_case("text, one cgroup without cpu.stat");
	run_cgfs("cgroups --tree", true);
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "\xe2\x94\x80vm1               2.0k   102k    32.0ms     1.56%      5.00%\n");
	CHECK_HAS(r.out, "\xe2\x94\x80vm2               1.0k  21.0k     5.0ms     0.97%          -\n");
	CHECK_HAS(r.out, "\xe2\x94\x80tenant-a            3.0k   146k    42.1ms     1.47%      5.00%\n");
	done();

	unit_case("text, no cgroup2 mount");
	run_ok("cgroups --tree --interval 0.5", NULL, NULL);
	CHECK_HAS(r.out, "/                     8.0k   148k    43.1ms     1.50%          -\n");
	CHECK_HAS(r.out, "  \xe2\x94\x94\xe2\x94\x80vm3               2.0k   2.0k     1.0ms    10.00%          -\n");
	CHECK_LACKS(r.out, "%\n/");
	done();

	unit_case("json, with cpu.stat");
	run_cgfs("-j cgroups --tree --interval 2", false);
	CHECK_INT(r.rc, 0);
	unit_save("json", "cgroups-tree.json", r.out);
	CHECK_PREFIX(r.out, "{\"interval_ns\":2000000000,\"cgroup_root\":\"/");
	CHECK_HAS(r.out, "{\"cgroup_id\":1,\"parent_id\":null,\"level\":0,\"depth\":0,"
		  "\"path\":\"/\",\"name\":\"/\",\"exits_per_s\":2000.0,\"exits\":148455,");
	CHECK_HAS(r.out, "{\"cgroup_id\":111,\"parent_id\":110,\"level\":2,\"depth\":2,"
		  "\"path\":\"/tenant-b/vm3\",\"name\":\"vm3\",\"exits_per_s\":500.0,"
		  "\"exits\":1999,\"handling_ns\":1001000,\"guest_ns\":9009000,"
		  "\"kvm_ns\":1001000,\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0,"
		  "\"overhead_ppm\":100000,\"overhead_pct\":10,\"wait_ppm\":0,\"wait_pct\":0,"
		  "\"slow_exits\":0,"
		  "\"own_exits\":1999,\"cpu_usage_usec\":2500,\"cpu_share_pct\":200}");
	CHECK_HAS(r.out, "{\"cgroup_id\":102,\"parent_id\":null,\"level\":2,\"depth\":0,"
		  "\"path\":null,\"name\":null,\"exits_per_s\":0.0,\"exits\":23456,");
	CHECK_HAS(r.out, "\"own_exits\":23456,\"cpu_usage_usec\":null,\"cpu_share_pct\":null}]}\n");
	/* Tree order: / tenant-a vm1 vm2 tenant-b vm3, then the removed one. */
	CHECK(strstr(r.out, "\"name\":\"vm2\"") < strstr(r.out, "\"name\":\"tenant-b\""));
	CHECK_U64(unit_lines(r.out), 1);
	done();

	unit_case("json, no cgroup2 mount");
	run_ok("-p cgroups --tree", "json", "cgroups-tree-nocpu.json");
	CHECK_HAS(r.out, "\"cgroup_root\": null,");
	CHECK_HAS(r.out, "\"cpu_usage_usec\": null,\n      \"cpu_share_pct\": null\n");
	CHECK_LACKS(r.out, "\"cpu_share_pct\": 5");
	done();

	unit_case("names are sanitized, JSON has them whole");
	fake_init(&f);
	f.cgroups[6].path = "/tenant-b/we\"ird\\vm\n\xff";
	fake_vtel(&f, &r, "cgroups --tree");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "  \xe2\x94\x94\xe2\x94\x80we\"ird\\vm??   ");
	done();
	fake_init(&f);
	f.cgroups[6].path = "/tenant-b/we\"ird\\vm\n\xff";
	fake_vtel(&f, &r, "-j cgroups --tree");
	CHECK_HAS(r.out, "\"name\":\"we\\\"ird\\\\vm\\n\\ufffd\"");
	unit_save("json", "cgroups-tree-names.json", r.out);
	done();

	unit_case("q before the second snapshot: nothing printed");
	fake_init(&f);
	f.quit_after = 1;
	fake_vtel(&f, &r, "cgroups --tree");
	CHECK_INT(r.rc, 0);
	CHECK_STR(r.out, "");
	CHECK_U64(f.requests, 1 + 1);
	done();

	unit_case("no permission: exit 4");
	fake_init(&f);
	f.fail_cmd = VTEL_CMD_GET_CGROUPS;
	f.fail_err = -EPERM;
	fake_vtel(&f, &r, "cgroups --tree");
	CHECK_INT(r.rc, 4);
	CHECK_STR(r.out, "");
	done();

	unit_case("an interrupted dump is retried");
	fake_init(&f);
	f.intr_dumps = 1;
	fake_vtel(&f, &r, "cgroups --tree");
	CHECK_INT(r.rc, 0);
	CHECK_U64(f.requests, 1 + 3);
	CHECK_HAS(r.out, "\xe2\x94\x80vm1               2.0k   102k");
	done();
}

static void top_cgroup(void)
{
	const char *vm1, *vm2, *vm3, *gone;

	unit_case("text: own rates, ancestors without own exits hidden");
	run_ok("top --by cgroup --count 2 --interval 0.5", NULL, NULL);
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_CGROUPS);
	CHECK_U64(f.requests, 1 + 3);
	CHECK_LACKS(r.out, "\033");
	CHECK_HAS(r.out, "vtel top: 8.0k exits/s over 500ms\n\n"
		  "CGROUP             EXITS/s  HANDLING/s  OVERHEAD\n"
		  "/tenant-a/vm1         4.0k       4.0ms    10.00%\n"
		  "/tenant-a/vm2         2.0k       2.0ms    10.00%\n"
		  "/tenant-b/vm3         2.0k       2.0ms    10.00%\n"
		  "(removed, id 102)      0.0         0ns     0.00%\n\n");
	CHECK_LACKS(r.out, "\n/tenant-a ");
	CHECK_LACKS(r.out, "\n/ ");
	CHECK_LACKS(r.out, "REASON");
	CHECK_LACKS(r.out, "COMM");
	vm1 = strstr(r.out, "/tenant-a/vm1");
	vm2 = strstr(r.out, "/tenant-a/vm2");
	vm3 = strstr(r.out, "/tenant-b/vm3");
	gone = strstr(r.out, "(removed");
	CHECK(vm1 && vm2 && vm3 && gone && vm1 < vm2 && vm2 < vm3 && vm3 < gone);
	CHECK(strstr(vm1 + 1, "vtel top:") != NULL);	/* two refreshes */
	done();

	unit_case("json lines");
	run_ok("-j top --by cgroup --count 2 --interval 2", "jsonl", "top-cgroup.jsonl");
	CHECK_U64(unit_lines(r.out), 2);
	CHECK_PREFIX(r.out, "{\"interval_ns\":2000000000,\"cgroups\":[{\"cgroup_id\":101,"
		     "\"path\":\"/tenant-a/vm1\",\"exits\":2000,\"exits_per_s\":1000.0,"
		     "\"handling_ns\":2000000,\"guest_ns\":18000000,\"kvm_ns\":2000000,"
		     "\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"wait_ppm\":0,"
		     "\"handling_ns_per_s\":1000000.0,\"overhead_ppm\":100000},");
	CHECK_HAS(r.out, "{\"cgroup_id\":102,\"path\":null,\"exits\":0,\"exits_per_s\":0.0,");
	CHECK_LACKS(r.out, "\"vms\"");
	CHECK_LACKS(r.out, "\"reasons\"");
	CHECK_LACKS(r.out, "\"cgroup_id\":100,");
	done();

	unit_case("a module without GET_CGROUPS: exit 6");
	fake_init(&f);
	f.ops &= ~(1ULL << VTEL_CMD_GET_CGROUPS);
	fake_vtel(&f, &r, "top --by cgroup --count 1");
	CHECK_INT(r.rc, 6);
	CHECK_STR(r.out, "");
	done();
}

/* vtel io: GET_VIEW pins the VM, then GET_ADDRS; two tables and other. */
static void io(void)
{
	unit_case("text, ports then MMIO pages, shares per table");
	run_ok("io --pid 4242", NULL, NULL);
	CHECK_U64(f.last_cmd, VTEL_CMD_GET_ADDRS);
	CHECK_U64(f.last_vm_id, 1);	/* the pid resolved by GET_VIEW */
	CHECK_HAS(r.out, "PORT  ACCESS  COUNT  COUNT%    TIME   TIME%     AVG    KVM     VMM   WAIT  IDLE\n"
		  "0x10  out       300  60.00%  60.0ms  85.71%   200µs  6.0ms  50.0ms  4.0ms   0ns\n"
		  "0x13  in        200  40.00%  10.0ms  14.29%  50.0µs  8.0ms   2.0ms    0ns   0ns\n");
	CHECK_HAS(r.out, "MMIO PAGE   ACCESS  COUNT  COUNT%    TIME   TIME%    AVG    KVM     VMM  WAIT  IDLE\n"
		  "0xfeb00000  write     120  60.00%  24.0ms  75.00%  200µs  4.0ms  20.0ms   0ns   0ns\n"
		  "0xa000      read       80  40.00%   8.0ms  25.00%  100µs  8.0ms     0ns   0ns   0ns\n");
	CHECK_HAS(r.out, "other (addresses the tables did not keep): count 7, time 700µs, "
		  "KVM 700µs, VMM 0ns, WAIT 0ns, IDLE 0ns\n");
	done();

	unit_case("json: the same fields, exact");
	run_ok("-j io --vm 1", "json", "io.json");
	CHECK_HAS(r.out, "\"ports\":[{\"port\":16,\"dir\":\"out\",\"count\":300,"
		  "\"count_pct\":60,\"total_ns\":60000000,\"time_pct\":85.7142,"
		  "\"avg_ns\":200000,\"kvm_ns\":6000000,\"vmm_ns\":50000000,"
		  "\"wait_ns\":4000000,\"idle_ns\":0,\"poll_ns\":0},");
	CHECK_HAS(r.out, "\"mmio\":[{\"gpa\":4272947200,\"access\":\"write\"");
	CHECK_HAS(r.out, "\"other\":{\"count\":7,\"total_ns\":700000,\"kvm_ns\":700000,"
		  "\"vmm_ns\":0,\"wait_ns\":0,\"idle_ns\":0,\"poll_ns\":0}}\n");
	done();

	unit_case("a VM without port or MMIO exits");
	run_ok("io --vm 2", NULL, NULL);
	CHECK_HAS(r.out, "no port-IO or MMIO exits\n");
	CHECK_LACKS(r.out, "PORT");
	done();

	unit_case("needs a VM");
	run("io");
	CHECK_INT(r.rc, 2);
	CHECK_HAS(r.err, "needs --pid or --vm");
	done();

	unit_case("an unknown VM");
	run("io --vm 99");
	CHECK_INT(r.rc, 5);
	CHECK_HAS(r.err, "no VM with id 99");
	done();
}

UNIT_SUITE(cmd_tests, T(cgroups), T(cgroup_tree), T(top_cgroup), T(status), T(exits), T(vms), T(vcpus), T(hist), T(top),
	   T(admin), T(events), T(export), T(transport_garbage), T(io));
