// SPDX-License-Identifier: GPL-2.0
/* VM names: QEMU's -name, libvirt scopes, kubepods cgroups, the fallback. */
#include <stdio.h>
#include <stdlib.h>

#include "fake.h"
#include "vmname.h"
#include "unit.h"

#define CMDLINE(s) s, sizeof(s)	/* with the final NUL, as /proc has it */

static void qemu_cmdline(void)
{
	static const struct {
		const char *what, *cmd;
		size_t len;
		const char *want;
	} t[] = {
		{ "guest=NAME,debug-threads=on", CMDLINE("qemu-system-x86_64\0-machine\0pc\0-name\0guest=web01,debug-threads=on\0-m\0512"), "web01" },
		{ "implied guest key", CMDLINE("qemu-system-x86_64\0-name\0db-02\0-m\0512"), "db-02" },
		{ "guest= after another key", CMDLINE("qemu\0-name\0process=qemu:x,guest=web03"), "web03" },
		{ ",, is a literal comma", CMDLINE("qemu\0-name\0guest=a,,b,debug-threads=on"), "a,b" },
		{ "--name=", CMDLINE("qemu\0--name=guest=web04"), "web04" },
		{ "libvirt's command line", CMDLINE("/usr/bin/qemu-system-x86_64\0-name\0guest=win11,debug-threads=on\0-S\0-object"), "win11" },
		{ "no -name", CMDLINE("qemu-system-x86_64\0-m\0512"), NULL },
		{ "-name as argv[0] does not count", CMDLINE("-name\0"), NULL },
		{ "-name without a value", CMDLINE("qemu\0-m\0-name"), NULL },
		{ "-name with only other keys", CMDLINE("qemu\0-name\0process=x,debug-threads=on"), NULL },
		{ "empty guest=", CMDLINE("qemu\0-name\0guest="), NULL },
		{ "empty cmdline (kernel thread)", "", 0, NULL },
		{ "value not NUL-terminated", "qemu\0-name\0web", 12, NULL },
	};
	char name[VMNAME_MAX];
	size_t i;
	bool ok;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		unit_case("qemu: %s", t[i].what);
		name[0] = '\0';
		ok = vmname_from_cmdline(t[i].cmd, t[i].len, name, sizeof(name));
		CHECK_INT(ok, t[i].want != NULL);
		if (t[i].want)
			CHECK_STR(name, t[i].want);
	}
	unit_case("qemu: a long name is cut to the buffer");
	CHECK(vmname_from_cmdline(CMDLINE("q\0-name\0guest=abcdefghij"), name, 5));
	CHECK_STR(name, "abcd");
}

/* A /proc/PID/cgroup parser, row by row: want NULL means no name. */
struct cg_row {
	const char *what, *cg, *want;
};

static void cg_rows(const char *kind, bool (*parse)(const char *, char *, size_t),
		    const struct cg_row *t, size_t n)
{
	char name[VMNAME_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		unit_case("%s: %s", kind, t[i].what);
		name[0] = '\0';
		CHECK_INT(parse(t[i].cg, name, sizeof(name)), t[i].want != NULL);
		if (t[i].want)
			CHECK_STR(name, t[i].want);
	}
}

static void libvirt_cgroup(void)
{
	static const struct cg_row t[] = {
		{ "systemd scope, emulator thread", "0::/machine.slice/machine-qemu\\x2d3\\x2dweb02.scope/libvirt/emulator\n", "web02" },
		{ "systemd scope, vcpu cgroup", "0::/machine.slice/machine-qemu\\x2d12\\x2dmy\\x2dvm.scope/libvirt/vcpu0\n", "my-vm" },
		{ "a partition slice under machine.slice", "0::/machine.slice/machine-tenant1.slice/machine-qemu\\x2d1\\x2dweb05.scope/libvirt/emulator\n", "web05" },
		{ "cgroup v1 lines before the v2 one", "12:cpu:/foo\n0::/machine.slice/machine-qemu\\x2d1\\x2dweb06.scope\n", "web06" },
		{ "cgroupfs driver", "0::/machine/qemu-7-web07.libvirt-qemu/emulator\n", "web07" },
		{ "lxc driver", "0::/machine.slice/machine-lxc\\x2d4\\x2dct1.scope\n", "ct1" },
		{ "systemd-nspawn machine (no driver-id-)", "0::/machine.slice/machine-mybox.scope/payload\n", NULL },
		{ "a scope outside machine.slice", "0::/user.slice/machine-qemu\\x2d1\\x2dx.scope\n", NULL },
		{ "no v2 line", "1:name=systemd:/machine.slice/machine-qemu\\x2d1\\x2dx.scope\n", NULL },
		{ "a service", "0::/system.slice/qemu.service\n", NULL },
	};

	cg_rows("libvirt", vmname_from_libvirt, t, ARRAY_SIZE(t));
}

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID "9f1c3b2a-5d4e-4f60-8a7b-1c2d3e4f5a6b"
#define UID_ "9f1c3b2a_5d4e_4f60_8a7b_1c2d3e4f5a6b"

static void k8s_cgroup(void)
{
	static const struct cg_row t[] = {
		{ "systemd driver, burstable, containerd", "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" CID ".scope\n", "pod:" UID "/0123456789ab" },
		{ "systemd driver, guaranteed, cri-o", "0::/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" CID ".scope\n", "pod:" UID "/0123456789ab" },
		{ "systemd driver, besteffort, docker", "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice/docker-" CID ".scope\n", "pod:" UID "/0123456789ab" },
		{ "cgroupfs driver", "0::/kubepods/burstable/pod" UID "/" CID "\n", "pod:" UID "/0123456789ab" },
		{ "the pod cgroup alone", "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice\n", "pod:" UID },
		{ "not a container id", "0::/kubepods/pod" UID "/sandbox\n", "pod:" UID },
		{ "kubepods without a pod", "0::/kubepods.slice/kubepods-burstable.slice\n", NULL },
		{ "pod outside kubepods", "0::/system.slice/pod" UID ".slice\n", NULL },
	};

	cg_rows("k8s", vmname_from_k8s, t, ARRAY_SIZE(t));
}

/* vmname_get() on a fake /proc: order of the sources, the comm guard. */
static void lookup(void)
{
	static const char qemu[] = "qemu-system-x86_64\0-name\0guest=web01";
	static const char plain[] = "qemu-system-x86_64\0-m\0512";
	static const char libvirt[] = "0::/machine.slice/machine-qemu\\x2d1\\x2dweb02.scope/libvirt/emulator\n";
	static const char k8s[] = "0::/kubepods/pod" UID "/" CID "\n";
	char name[VMNAME_MAX];
	struct fake f;

	unit_case("lookup: QEMU's -name comes first");
	fake_init(&f);
	CHECK_INT(fake_procfs(&f, qemu, sizeof(qemu), libvirt), 0);
	CHECK_INT(vmname_get(f.procfs, 4242, "qemu-system-x86", name, sizeof(name)), VMNAME_QEMU);
	CHECK_STR(name, "web01");

	unit_case("lookup: the process's comm is not the kernel's (pid reused)");
	CHECK_INT(vmname_get(f.procfs, 4242, "bash", name, sizeof(name)), VMNAME_COMM);
	CHECK_STR(name, "bash");

	unit_case("lookup: no such process");
	CHECK_INT(vmname_get(f.procfs, 4243, "qemu-system-x86", name, sizeof(name)), VMNAME_COMM);
	CHECK_STR(name, "qemu-system-x86");

	unit_case("lookup: no proc root");
	CHECK_INT(vmname_get("", 4242, "qemu-system-x86", name, sizeof(name)), VMNAME_COMM);
	CHECK_STR(name, "qemu-system-x86");
	fake_procfs_remove(&f);

	unit_case("lookup: libvirt scope without -name");
	fake_init(&f);
	CHECK_INT(fake_procfs(&f, plain, sizeof(plain), libvirt), 0);
	CHECK_INT(vmname_get(f.procfs, 4242, "qemu-system-x86", name, sizeof(name)), VMNAME_LIBVIRT);
	CHECK_STR(name, "web02");
	fake_procfs_remove(&f);

	unit_case("lookup: kubepods");
	fake_init(&f);
	CHECK_INT(fake_procfs(&f, plain, sizeof(plain), k8s), 0);
	CHECK_INT(vmname_get(f.procfs, 4242, "qemu-system-x86", name, sizeof(name)), VMNAME_K8S);
	CHECK_STR(name, "pod:" UID "/0123456789ab");
	fake_procfs_remove(&f);

	unit_case("lookup: nothing but comm");
	fake_init(&f);
	CHECK_INT(fake_procfs(&f, plain, sizeof(plain), "0::/user.slice\n"), 0);
	CHECK_INT(vmname_get(f.procfs, 4242, "qemu-system-x86", name, sizeof(name)), VMNAME_COMM);
	CHECK_STR(name, "qemu-system-x86");
	fake_procfs_remove(&f);
}

/* The NAME column and the vm_name label, live VM named, retired not. */
static void commands(void)
{
	static const char qemu[] = "qemu-system-x86_64\0-name\0guest=web01";
	struct fake_run r;
	struct fake f;

	unit_case("vms: NAME column and name_source");
	fake_init(&f);
	CHECK_INT(fake_procfs(&f, qemu, sizeof(qemu), "0::/\n"), 0);
	fake_vtel(&f, &r, "vms");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, " 1  4242  qemu-system-x86  web01        live ");
	CHECK_HAS(r.out, "we\"ird\\vm??      we\"ird\\vm??  retired");
	fake_run_free(&r);
	fake_vtel(&f, &r, "-j vms");
	CHECK_HAS(r.out, "\"comm\":\"qemu-system-x86\",\"name\":\"web01\",\"name_source\":\"qemu\",");
	CHECK_HAS(r.out, "\"name_source\":\"comm\",\"state\":\"retired\"");
	fake_run_free(&r);

	unit_case("export: vm_name label");
	fake_vtel(&f, &r, "export");
	CHECK_INT(r.rc, 0);
	CHECK_HAS(r.out, "vtel_exits_total{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"web01\",reason=\"io\"} 3000\n");
	CHECK_HAS(r.out, "vtel_vm_info{vm_id=\"1\",pid=\"4242\",comm=\"qemu-system-x86\",vm_name=\"web01\",state=\"live\"} 1\n");
	unit_save("prom", "export-vm-name.prom", r.out);
	fake_run_free(&r);
	fake_procfs_remove(&f);
}

UNIT_SUITE(vmname_tests, T(qemu_cmdline), T(libvirt_cgroup), T(k8s_cgroup),
	   T(lookup), T(commands));
