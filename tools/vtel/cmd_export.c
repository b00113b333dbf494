// SPDX-License-Identifier: GPL-2.0
/*
 * vtel export --format prometheus: GET_STATUS, GET_EXITS of the host,
 * GET_VMS, then GET_EXITS with histograms for each VM, and GET_CGROUPS
 * when the module has it; written family by family (the format wants all
 * samples of a metric together). A VM that is evicted between GET_VMS and
 * its GET_EXITS (-ENOENT) is left out. cgroups are exported with their
 * own counters (without descendants), so that sums over cgroups do not
 * count an exit twice, labelled by path (cgroup="/tenant-a/vm1"); a
 * removed cgroup, which has no path any more, is left out. VMs are
 * labelled vm_id, pid, comm and vm_name (vmname.h).
 *
 * The time split is one counter per view with a kind label, so that
 * sum by (kind) and ratios are one query: vtel_host_time_seconds_total,
 * vtel_time_seconds_total (per VM) and vtel_cgroup_time_seconds_total,
 * kind="guest|kvm|vmm|wait|idle". Summed over kind it is the vCPUs' time
 * from first entry to last exit. Halt polling is part of idle, so it is a
 * counter of its own (..._halt_poll_seconds_total), not a kind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cmds.h"
#include "human.h"
#include "prom.h"
#include "vmname.h"
#include "view.h"

struct export {
	struct vtel_rec status;
	struct vtel_list host;		/* host view, per reason */
	struct vtel_list vms;
	struct vtel_list *exits;	/* per VM; .v NULL if it vanished */
	struct vtel_list *addrs;	/* per VM: GET_ADDRS */
	bool *gone;
	struct vtel_list cgroups;
};

#define VM_LABELS 4

static void vm_labels(const struct vtel_rec *vm, char id[HUMAN_LEN],
		      char pid[HUMAN_LEN], struct prom_label *l)
{
	l[0].name = "vm_id";
	l[0].value = exact_decimal(id, rec_u(vm, VTEL_A_VM_ID), 0);
	l[1].name = "pid";
	l[1].value = exact_decimal(pid, rec_u(vm, VTEL_A_PID), 0);
	l[2].name = "comm";
	l[2].value = rec_str(vm, VTEL_A_COMM);
	l[3].name = "vm_name";
	l[3].value = rec_str(vm, VTEL_X_VM_NAME);
}

/* One counter metric: the attribute it reads, in ns (to seconds) or not. */
struct prom_counter {
	const char *name, *help;
	int attr;
	bool ns;
};

static const struct prom_counter host_counters[] = {
	{ "vtel_host_exits_total", "VM exits seen on this host, all VMs and untracked vCPUs.", VTEL_A_EXITS, false },
	{ "vtel_host_handling_seconds_total", "Time from kvm_exit to the next kvm_entry, all VMs.", VTEL_A_HANDLING_NS, true },
	{ "vtel_host_guest_seconds_total", "Time from kvm_entry to the next kvm_exit, all VMs.", VTEL_A_GUEST_NS, true },
	{ "vtel_vms_evicted_total", "Retired VMs folded into the host totals.", VTEL_A_VMS_EVICTED, false },
	{ "vtel_untracked_vms_total", "VMs that found no free vtel record.", VTEL_A_UNTRACKED_VMS, false },
	{ "vtel_untracked_vcpus_total", "vCPUs that found no free vtel record.", VTEL_A_UNTRACKED_VCPUS, false },
	{ "vtel_untracked_exits_total", "Exits of untracked vCPUs (host totals only).", VTEL_A_UNTRACKED_EXITS, false },
	{ "vtel_reason_overflow_total", "Exits of reasons beyond the per-vCPU reason slots.", VTEL_A_REASON_OVERFLOW, false },
	{ "vtel_layout_errors_total", "Failed checks of the vendor tracepoint layout.", VTEL_A_LAYOUT_ERRORS, false },
	{ "vtel_events_dropped_total", "VM events not sent because of the event rate limit.", VTEL_A_EVENTS_DROPPED, false },
	{ "vtel_cgroups_released_total", "Removed cgroups whose records were forgotten.", VTEL_A_CGROUPS_RELEASED, false },
	{ "vtel_untracked_cgroups_total", "cgroups that found no free vtel record.", VTEL_A_UNTRACKED_CGROUPS, false },
	{ "vtel_segment_drops_total", "cgroup moves of vCPU threads that found no free segment.", VTEL_A_SEGMENT_DROPS, false },
	{ "vtel_cgroup_stale_exits_total", "Exits counted in the cgroup a vCPU thread had left.", VTEL_A_CGROUP_STALE_EXITS, false },
};

static const struct prom_counter vm_counters[] = {
	{ "vtel_vm_exits_total", "Exits of the VM, all reasons.", VTEL_A_EXITS, false },
	{ "vtel_handling_seconds_total", "Exit handling time of the VM, kvm_exit to next kvm_entry.", VTEL_A_HANDLING_NS, true },
	{ "vtel_guest_seconds_total", "Guest time of the VM, kvm_entry to next kvm_exit.", VTEL_A_GUEST_NS, true },
	{ "vtel_slow_exits_total", "Exits of the VM handled in more than slow_ns.", VTEL_A_SLOW_EXITS, false },
	{ "vtel_vm_l2_exits_total", "Exits of the VM taken while a nested (L2) guest ran.", VTEL_A_L2_EXITS, false },
};

static const struct {
	const char *kind;
	int attr;
} split_kinds[] = {
	{ "guest", VTEL_A_GUEST_NS }, { "kvm", VTEL_A_KVM_NS },
	{ "vmm", VTEL_A_VMM_NS }, { "wait", VTEL_A_WAIT_NS },
	{ "idle", VTEL_A_IDLE_NS },
};

/* The families of the port and MMIO page rows. */
enum addr_family { ADDR_EXITS, ADDR_SECONDS, ADDR_TIME };

static const struct {
	const char *name, *help;
} addr_families[] = {
	[ADDR_EXITS] = { "vtel_addr_exits_total",
			 "Port-IO and MMIO exits of the VM by port or MMIO page (addr=\"other\": what the table did not keep)." },
	[ADDR_SECONDS] = { "vtel_addr_handling_seconds_total",
			   "Handling time of the VM's port-IO and MMIO exits by port or MMIO page." },
	[ADDR_TIME] = { "vtel_addr_time_seconds_total",
			"Handling time of the VM's port-IO and MMIO exits by port or MMIO page and kind: kvm (KVM handling on a CPU), vmm (the VMM in userspace), wait (runnable, no CPU) and idle (halted)." },
};

/*
 * Per VM: a series per row of its port and MMIO page table (at most 64
 * and "other"), labelled addr="0x10" (hex) and access="out"; the time
 * split also kind="kvm|vmm|wait|idle" (no guest: rows are handling time).
 */
static void write_addrs(FILE *f, const struct export *x, enum addr_family fam)
{
	const char *name = addr_families[fam].name;
	struct prom_label l[VM_LABELS + 3];
	char id[HUMAN_LEN], pid[HUMAN_LEN], addr[32];
	const struct vtel_rec *e;
	size_t i, j, k;

	prom_family(f, name, "counter", addr_families[fam].help);
	for (i = 0; i < x->vms.n; i++) {
		if (x->gone[i])
			continue;
		vm_labels(&x->vms.v[i], id, pid, l);
		l[VM_LABELS].name = "addr";
		l[VM_LABELS + 1].name = "access";
		for (j = 0; j < x->addrs[i].n; j++) {
			e = &x->addrs[i].v[j];
			if (rec_has(e, VTEL_A_ADDR))
				snprintf(addr, sizeof(addr), "0x%llx",
					 (unsigned long long)rec_u(e, VTEL_A_ADDR));
			else
				snprintf(addr, sizeof(addr), "other");
			l[VM_LABELS].value = addr;
			l[VM_LABELS + 1].value =
				vtel_addr_kind_name(rec_u(e, VTEL_A_ADDR_KIND));
			if (fam == ADDR_EXITS) {
				prom_sample_u64(f, name, l, VM_LABELS + 2,
						rec_u(e, VTEL_A_COUNT));
				continue;
			}
			if (fam == ADDR_SECONDS) {
				prom_sample_ns(f, name, l, VM_LABELS + 2,
					       rec_u(e, VTEL_A_TOTAL_NS));
				continue;
			}
			/* split_kinds[0] is guest */
			l[VM_LABELS + 2].name = "kind";
			for (k = 1; k < ARRAY_SIZE(split_kinds); k++) {
				l[VM_LABELS + 2].value = split_kinds[k].kind;
				prom_sample_ns(f, name, l, VM_LABELS + 3,
					       rec_u(e, split_kinds[k].attr));
			}
		}
	}
}

/* Whether the module splits the rows' time (not before issue 12). */
static bool addrs_have_split(const struct export *x)
{
	size_t i;

	for (i = 0; i < x->vms.n; i++)
		if (!x->gone[i] && x->addrs[i].n &&
		    rec_has(&x->addrs[i].v[0], VTEL_A_KVM_NS))
			return true;
	return false;
}

/* The five samples of r's time split, labels l[0..nl) plus kind in l[nl]. */
static void write_split(FILE *f, const char *name, struct prom_label *l,
			size_t nl, const struct vtel_rec *r)
{
	size_t k;

	l[nl].name = "kind";
	for (k = 0; k < ARRAY_SIZE(split_kinds); k++) {
		l[nl].value = split_kinds[k].kind;
		prom_sample_ns(f, name, l, nl + 1, rec_u(r, split_kinds[k].attr));
	}
}

#define TIME_HELP " time by kind: guest, kvm (KVM handling on a CPU), vmm (the VMM in userspace), wait (runnable, no CPU) and idle (halted)."
#define POLL_HELP " halt polling time, part of idle."

static void write_status(FILE *f, const struct vtel_rec *s)
{
	struct prom_label l[2];
	size_t i;

	l[0].name = "version";
	l[0].value = rec_has(s, VTEL_A_VERSION) ? rec_str(s, VTEL_A_VERSION) : "";
	l[1].name = "vendor";
	l[1].value = rec_has(s, VTEL_A_VENDOR) ? rec_str(s, VTEL_A_VENDOR) : "";
	prom_family(f, "vtel_info", "gauge", "The vtel module: version and vendor (svm, vmx or none).");
	prom_sample_u64(f, "vtel_info", l, 2, 1);
	prom_family(f, "vtel_attached", "gauge", "1 if vtel is hooked into kvm.ko.");
	prom_sample_u64(f, "vtel_attached", NULL, 0, rec_u(s, VTEL_A_ATTACHED));
	prom_family(f, "vtel_vms", "gauge", "VMs vtel holds records of, by state.");
	l[0].name = "state";
	l[0].value = "live";
	prom_sample_u64(f, "vtel_vms", l, 1, rec_u(s, VTEL_A_VMS_LIVE));
	l[0].value = "retired";
	prom_sample_u64(f, "vtel_vms", l, 1, rec_u(s, VTEL_A_VMS_RETIRED));
	prom_family(f, "vtel_vcpus", "gauge", "vCPUs vtel holds records of.");
	prom_sample_u64(f, "vtel_vcpus", NULL, 0, rec_u(s, VTEL_A_VCPUS));
	if (rec_has(s, VTEL_A_CGROUPS)) {
		prom_family(f, "vtel_cgroups", "gauge", "cgroups vtel holds records of.");
		prom_sample_u64(f, "vtel_cgroups", NULL, 0, rec_u(s, VTEL_A_CGROUPS));
	}

	for (i = 0; i < ARRAY_SIZE(host_counters); i++) {
		if (!rec_has(s, host_counters[i].attr))
			continue;
		prom_family(f, host_counters[i].name, "counter",
			    host_counters[i].help);
		if (host_counters[i].ns)
			prom_sample_ns(f, host_counters[i].name, NULL, 0,
				       rec_u(s, host_counters[i].attr));
		else
			prom_sample_u64(f, host_counters[i].name, NULL, 0,
					rec_u(s, host_counters[i].attr));
	}
	if (rec_has(s, VTEL_A_KVM_NS)) {
		prom_family(f, "vtel_host_time_seconds_total", "counter",
			    "vCPU" TIME_HELP);
		write_split(f, "vtel_host_time_seconds_total", l, 0, s);
		prom_family(f, "vtel_host_halt_poll_seconds_total", "counter",
			    "vCPU" POLL_HELP);
		prom_sample_ns(f, "vtel_host_halt_poll_seconds_total", NULL, 0,
			       rec_u(s, VTEL_A_POLL_NS));
	}
}

static void write_host_reasons(FILE *f, const struct vtel_list *h)
{
	struct prom_label l = { "reason", NULL };
	size_t i;

	prom_family(f, "vtel_host_reason_exits_total", "counter",
		    "VM exits on this host by exit reason.");
	for (i = 0; i < h->n; i++) {
		l.value = rec_str(&h->v[i], VTEL_A_REASON);
		prom_sample_u64(f, "vtel_host_reason_exits_total", &l, 1,
				rec_u(&h->v[i], VTEL_A_COUNT));
	}
}

static void write_vms(FILE *f, const struct export *x)
{
	struct prom_label l[VM_LABELS + 1];
	char id[HUMAN_LEN], pid[HUMAN_LEN];
	const struct vtel_rec *vm, *e;
	size_t i, j, k;

	prom_family(f, "vtel_vm_info", "gauge", "A VM vtel tracks, with its state (live or retired).");
	for (i = 0; i < x->vms.n; i++) {
		vm = &x->vms.v[i];
		vm_labels(vm, id, pid, l);
		l[VM_LABELS].name = "state";
		l[VM_LABELS].value = rec_u(vm, VTEL_A_VM_STATE) == VTEL_VM_STATE_RETIRED ? "retired" : "live";
		prom_sample_u64(f, "vtel_vm_info", l, VM_LABELS + 1, 1);
	}
	prom_family(f, "vtel_vm_vcpus", "gauge", "vCPUs of the VM.");
	for (i = 0; i < x->vms.n; i++) {
		vm_labels(&x->vms.v[i], id, pid, l);
		prom_sample_u64(f, "vtel_vm_vcpus", l, VM_LABELS,
				rec_u(&x->vms.v[i], VTEL_A_VCPUS));
	}
	for (k = 0; k < ARRAY_SIZE(vm_counters); k++) {
		prom_family(f, vm_counters[k].name, "counter", vm_counters[k].help);
		for (i = 0; i < x->vms.n; i++) {
			vm = &x->vms.v[i];
			vm_labels(vm, id, pid, l);
			if (vm_counters[k].ns)
				prom_sample_ns(f, vm_counters[k].name, l, VM_LABELS,
					       rec_u(vm, vm_counters[k].attr));
			else
				prom_sample_u64(f, vm_counters[k].name, l, VM_LABELS,
						rec_u(vm, vm_counters[k].attr));
		}
	}

	if (x->vms.n && rec_has(&x->vms.v[0], VTEL_A_KVM_NS)) {
		prom_family(f, "vtel_time_seconds_total", "counter",
			    "The VM's vCPU" TIME_HELP);
		for (i = 0; i < x->vms.n; i++) {
			vm_labels(&x->vms.v[i], id, pid, l);
			write_split(f, "vtel_time_seconds_total", l, VM_LABELS,
				    &x->vms.v[i]);
		}
		prom_family(f, "vtel_halt_poll_seconds_total", "counter",
			    "The VM's vCPU" POLL_HELP);
		for (i = 0; i < x->vms.n; i++) {
			vm_labels(&x->vms.v[i], id, pid, l);
			prom_sample_ns(f, "vtel_halt_poll_seconds_total", l,
				       VM_LABELS, rec_u(&x->vms.v[i], VTEL_A_POLL_NS));
		}
	}

	prom_family(f, "vtel_exits_total", "counter", "VM exits by VM and exit reason.");
	for (i = 0; i < x->vms.n; i++) {
		if (x->gone[i])
			continue;
		vm_labels(&x->vms.v[i], id, pid, l);
		l[VM_LABELS].name = "reason";
		for (j = 0; j < x->exits[i].n; j++) {
			e = &x->exits[i].v[j];
			l[VM_LABELS].value = rec_str(e, VTEL_A_REASON);
			prom_sample_u64(f, "vtel_exits_total", l, VM_LABELS + 1,
					rec_u(e, VTEL_A_COUNT));
		}
	}

	prom_family(f, "vtel_exit_handling_seconds", "histogram",
		    "Exit handling time (kvm_exit to next kvm_entry) by VM and exit reason.");
	for (i = 0; i < x->vms.n; i++) {
		if (x->gone[i])
			continue;
		vm_labels(&x->vms.v[i], id, pid, l);
		l[VM_LABELS].name = "reason";
		for (j = 0; j < x->exits[i].n; j++) {
			e = &x->exits[i].v[j];
			l[VM_LABELS].value = rec_str(e, VTEL_A_REASON);
			prom_histogram(f, "vtel_exit_handling_seconds", l,
				       VM_LABELS + 1, e->hist, e->nhist,
				       rec_u(e, VTEL_A_TIMED),
				       rec_u(e, VTEL_A_TOTAL_NS));
		}
	}
}

static const struct prom_counter cg_counters[] = {
	{ "vtel_cgroup_exits_total", "VM exits of vCPU threads in the cgroup itself, not its descendants: a sum over cgroups counts each exit once.", VTEL_A_EXITS, false },
	{ "vtel_cgroup_handling_seconds_total", "Exit handling time of vCPU threads in the cgroup itself, not its descendants: a sum over cgroups counts it once.", VTEL_A_HANDLING_NS, true },
	{ "vtel_cgroup_guest_seconds_total", "Guest time of vCPU threads in the cgroup itself, not its descendants: a sum over cgroups counts it once.", VTEL_A_GUEST_NS, true },
	{ "vtel_cgroup_slow_exits_total", "Slow exits of vCPU threads in the cgroup itself, not its descendants: a sum over cgroups counts each once.", VTEL_A_SLOW_EXITS, false },
};

static void write_cgroups(FILE *f, const struct vtel_list *cg)
{
	struct prom_label l[3] = {
		{ "cgroup", NULL }, { "cgroup_id", NULL }, { "level", NULL },
	};
	struct prom_label lk[2] = { { "cgroup", NULL } };
	char id[HUMAN_LEN], level[HUMAN_LEN];
	const struct vtel_rec *c;
	size_t i, k;

	prom_family(f, "vtel_cgroup_info", "gauge",
		    "A cgroup vCPU threads ran in, or an ancestor of one: its id and level.");
	for (i = 0; i < cg->n; i++) {
		c = &cg->v[i];
		if (!rec_s(c, VTEL_A_CGROUP_PATH))
			continue;	/* removed */
		l[0].value = rec_s(c, VTEL_A_CGROUP_PATH);
		l[1].value = exact_decimal(id, rec_u(c, VTEL_A_CGROUP_ID), 0);
		l[2].value = exact_decimal(level, rec_u(c, VTEL_A_CGROUP_LEVEL), 0);
		prom_sample_u64(f, "vtel_cgroup_info", l, 3, 1);
	}
	for (k = 0; k < ARRAY_SIZE(cg_counters); k++) {
		prom_family(f, cg_counters[k].name, "counter", cg_counters[k].help);
		for (i = 0; i < cg->n; i++) {
			c = &cg->v[i];
			if (!rec_s(c, VTEL_A_CGROUP_PATH))
				continue;
			l[0].value = rec_s(c, VTEL_A_CGROUP_PATH);
			if (cg_counters[k].ns)
				prom_sample_ns(f, cg_counters[k].name, l, 1,
					       rec_u(c, cg_counters[k].attr));
			else
				prom_sample_u64(f, cg_counters[k].name, l, 1,
						rec_u(c, cg_counters[k].attr));
		}
	}
	if (!rec_has(&cg->v[0], VTEL_A_KVM_NS))
		return;
	prom_family(f, "vtel_cgroup_time_seconds_total", "counter",
		    "vCPU threads in the cgroup itself, not its descendants:" TIME_HELP);
	for (i = 0; i < cg->n; i++) {
		lk[0].value = rec_s(&cg->v[i], VTEL_A_CGROUP_PATH);
		if (lk[0].value)
			write_split(f, "vtel_cgroup_time_seconds_total", lk, 1,
				    &cg->v[i]);
	}
	prom_family(f, "vtel_cgroup_halt_poll_seconds_total", "counter",
		    "vCPU threads in the cgroup itself, not its descendants:" POLL_HELP);
	for (i = 0; i < cg->n; i++) {
		lk[0].value = rec_s(&cg->v[i], VTEL_A_CGROUP_PATH);
		if (lk[0].value)
			prom_sample_ns(f, "vtel_cgroup_halt_poll_seconds_total",
				       lk, 1, rec_u(&cg->v[i], VTEL_A_POLL_NS));
	}
}

static int collect(struct vtel_ctx *ctx, struct export *x)
{
	struct vtel_sel sel = { 0 };
	size_t i;
	int err;

	err = vtel_get_status(ctx, &x->status);
	if (!err)
		err = vtel_get_exits(ctx, &sel, 0, NULL, &x->host);
	if (!err)
		err = vtel_get_vms(ctx, &x->vms);
	if (!err)
		err = vtel_vms_name(ctx, &x->vms);
	if (err)
		return err;
	x->exits = calloc(x->vms.n + 1, sizeof(*x->exits));
	x->gone = calloc(x->vms.n + 1, sizeof(*x->gone));
	x->addrs = calloc(x->vms.n + 1, sizeof(*x->addrs));
	if (!x->exits || !x->gone || !x->addrs)
		return -ENOMEM;
	for (i = 0; i < x->vms.n; i++) {
		sel.has_vm = true;
		sel.vm_id = (uint32_t)rec_u(&x->vms.v[i], VTEL_A_VM_ID);
		err = vtel_get_exits(ctx, &sel, VTEL_F_HIST, NULL, &x->exits[i]);
		if (!err) {
			err = vtel_get_addrs(ctx, &sel, &x->addrs[i]);
			if (err == -VTEL_ENOCMD)
				err = 0;	/* a module without the table */
		}
		if (err == -ENOENT) {
			x->gone[i] = true;
			err = 0;
		}
		if (err)
			return err;
	}
	err = vtel_get_cgroups(ctx, &x->cgroups);
	if (err == -VTEL_ENOCMD)
		err = 0;	/* a module without cgroup support */
	return err;
}

int cmd_export(struct vtel_ctx *ctx, const struct vtel_args *a)
{
	struct export x;
	FILE *f = ctx->out.f;
	size_t i;
	int err;

	(void)a;	/* FORMAT_PROMETHEUS is the only format */
	memset(&x, 0, sizeof(x));
	err = collect(ctx, &x);
	if (!err) {
		write_status(f, &x.status);
		write_host_reasons(f, &x.host);
		write_vms(f, &x);
		write_addrs(f, &x, ADDR_EXITS);
		write_addrs(f, &x, ADDR_SECONDS);
		if (addrs_have_split(&x))
			write_addrs(f, &x, ADDR_TIME);
		if (x.cgroups.n)
			write_cgroups(f, &x.cgroups);
		fflush(f);
	}
	for (i = 0; x.exits && i < x.vms.n; i++)
		vtel_list_free(&x.exits[i]);
	for (i = 0; x.addrs && i < x.vms.n; i++)
		vtel_list_free(&x.addrs[i]);
	vtel_rec_free(&x.status);
	vtel_list_free(&x.host);
	vtel_list_free(&x.vms);
	vtel_list_free(&x.cgroups);
	free(x.exits);
	free(x.gone);
	free(x.addrs);
	return err ? vtel_report(ctx, err) : VTEL_EXIT_OK;
}
