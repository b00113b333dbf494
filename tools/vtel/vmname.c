// SPDX-License-Identifier: GPL-2.0
/* VM names from the VMM's command line and cgroup (see vmname.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "vmname.h"

const char *vmname_src_name(enum vmname_src src)
{
	static const char *const n[] = {
		[VMNAME_COMM] = "comm", [VMNAME_QEMU] = "qemu",
		[VMNAME_LIBVIRT] = "libvirt", [VMNAME_K8S] = "k8s",
	};

	return (unsigned int)src < ARRAY_SIZE(n) ? n[src] : "comm";
}

static bool set_name(char *name, size_t size, const char *s, size_t len)
{
	if (!len || !size)
		return false;
	if (len >= size)
		len = size - 1;
	memcpy(name, s, len);
	name[len] = '\0';
	return true;
}

/*
 * One QemuOpts value: "guest=NAME,debug-threads=on" or "NAME,..." (guest
 * is the implied first key); ",," is a literal comma.
 */
static bool qemu_guest(const char *v, char *name, size_t size)
{
	char elem[VMNAME_MAX];
	size_t n;
	bool first = true;

	while (*v) {
		n = 0;
		while (*v && !(v[0] == ',' && v[1] != ',')) {
			if (v[0] == ',')
				v++;	/* ",," */
			if (n + 1 < sizeof(elem))
				elem[n++] = *v;
			v++;
		}
		elem[n] = '\0';
		if (*v)
			v++;
		if (!strncmp(elem, "guest=", 6))
			return set_name(name, size, elem + 6, n - 6);
		if (first && !strchr(elem, '='))
			return set_name(name, size, elem, n);
		first = false;
	}
	return false;
}

bool vmname_from_cmdline(const char *cmdline, size_t len, char *name,
			 size_t size)
{
	const char *p = cmdline, *end = cmdline + len, *arg, *next;

	if (!len)
		return false;
	p += strnlen(p, len) + 1;	/* argv[0] */
	while (p < end) {
		arg = p;
		p += strnlen(p, (size_t)(end - p)) + 1;
		if (strcmp(arg, "-name") && strcmp(arg, "--name")) {
			if (!strncmp(arg, "-name=", 6))
				return qemu_guest(arg + 6, name, size);
			if (!strncmp(arg, "--name=", 7))
				return qemu_guest(arg + 7, name, size);
			continue;
		}
		if (p >= end)
			return false;
		next = p;
		if (strnlen(next, (size_t)(end - next)) == (size_t)(end - next))
			return false;	/* not NUL-terminated */
		return qemu_guest(next, name, size);
	}
	return false;
}

/* The cgroup v2 path of a /proc/PID/cgroup file: its "0::" line. */
static const char *v2_path(const char *cgroup, size_t *len)
{
	const char *p = cgroup, *nl;

	while (p && *p) {
		nl = strchr(p, '\n');
		if (!strncmp(p, "0::", 3)) {
			p += 3;
			*len = nl ? (size_t)(nl - p) : strlen(p);
			return p;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The components of a cgroup path, one by one. */
struct comp {
	const char *s;
	size_t n;
};

static bool next_comp(const char *path, size_t len, struct comp *c)
{
	const char *end = path + len, *p = c->s ? c->s + c->n : path;

	while (p < end && *p == '/')
		p++;
	if (p >= end)
		return false;
	c->s = p;
	while (p < end && *p != '/')
		p++;
	c->n = (size_t)(p - c->s);
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && !memcmp(s, pre, k);
}

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && !memcmp(s + n - k, suf, k);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd's unit name escaping: \xNN is byte NN. */
static void unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < size; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			out[o++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* "qemu-3-web02" or "3-web02": the domain name after DRIVER-ID-. */
static bool libvirt_name(const char *s, char *name, size_t size)
{
	const char *p = s;

	if (!strncmp(p, "qemu-", 5))
		p += 5;
	else if (!strncmp(p, "lxc-", 4))
		p += 4;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p != '-')
		return false;
	p++;
	return set_name(name, size, p, strlen(p));
}

bool vmname_from_libvirt(const char *cgroup, char *name, size_t size)
{
	struct comp c = { 0 };
	char buf[VMNAME_MAX];
	const char *path;
	size_t len;
	bool in_machine = false;

	path = v2_path(cgroup, &len);
	if (!path)
		return false;
	while (next_comp(path, len, &c)) {
		if ((c.n == 13 && !memcmp(c.s, "machine.slice", 13)) ||
		    (has_prefix(c.s, c.n, "machine-") &&
		     has_suffix(c.s, c.n, ".slice")) ||
		    (c.n == 7 && !memcmp(c.s, "machine", 7))) {
			in_machine = true;
			continue;
		}
		if (!in_machine)
			continue;
		/* systemd: machine-qemu\x2d3\x2dweb02.scope */
		if (has_prefix(c.s, c.n, "machine-") &&
		    has_suffix(c.s, c.n, ".scope")) {
			unescape(c.s + 8, c.n - 8 - 6, buf, sizeof(buf));
			return libvirt_name(buf, name, size);
		}
		/* cgroupfs: /machine/qemu-3-web02.libvirt-qemu */
		if (has_suffix(c.s, c.n, ".libvirt-qemu")) {
			set_name(buf, sizeof(buf), c.s, c.n - 13);
			return libvirt_name(buf, name, size);
		}
	}
	return false;
}

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return n > 0;
}

/*
 * A container component: cri-containerd-ID.scope, crio-ID.scope,
 * docker-ID.scope (systemd driver) or ID (cgroupfs driver), ID 64 hex.
 */
static bool container_id(const char *s, size_t n, const char **id)
{
	const char *dash;

	if (has_suffix(s, n, ".scope")) {
		n -= 6;
		dash = memrchr(s, '-', n);
		if (!dash)
			return false;
		n -= (size_t)(dash + 1 - s);
		s = dash + 1;
	}
	if (n != 64 || !is_hex(s, n))
		return false;
	*id = s;
	return true;
}

bool vmname_from_k8s(const char *cgroup, char *name, size_t size)
{
	struct comp c = { 0 };
	char uid[64];
	const char *path, *pod, *cid = NULL;
	size_t len, n, i;
	bool in_kube = false;

	path = v2_path(cgroup, &len);
	if (!path)
		return false;
	uid[0] = '\0';
	while (next_comp(path, len, &c)) {
		if (!in_kube) {
			in_kube = has_prefix(c.s, c.n, "kubepods");
			if (!in_kube)
				continue;
		}
		if (!uid[0]) {
			/* kubepods-burstable-pod<uid_>.slice or pod<uid-> */
			pod = NULL;
			if (has_suffix(c.s, c.n, ".slice")) {
				for (i = c.n - 6; i >= 3 && !pod; i--)
					if (!memcmp(c.s + i - 3, "pod", 3) &&
					    (i == 3 || c.s[i - 4] == '-'))
						pod = c.s + i;
				n = pod ? (size_t)(c.s + c.n - 6 - pod) : 0;
			} else if (has_prefix(c.s, c.n, "pod")) {
				pod = c.s + 3;
				n = c.n - 3;
			}
			if (pod && n && n < sizeof(uid)) {
				for (i = 0; i < n; i++)
					uid[i] = pod[i] == '_' ? '-' : pod[i];
				uid[n] = '\0';
			}
			continue;
		}
		if (container_id(c.s, c.n, &cid))
			break;
	}
	if (!uid[0])
		return false;
	if (cid)
		snprintf(name, size, "pod:%s/%.12s", uid, cid);
	else
		snprintf(name, size, "pod:%s", uid);
	return true;
}

/* The first size - 1 bytes of a file; its length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	ssize_t n, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got + 1 < size) {
		n = read(fd, buf + got, size - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

enum vmname_src vmname_get(const char *proc_root, uint32_t pid,
			   const char *comm, char *name, size_t size)
{
	char path[512], buf[8192];
	ssize_t n;

	snprintf(name, size, "%s", comm);
	if (!proc_root || !proc_root[0] || !pid)
		return VMNAME_COMM;
	/* The same process still? Its comm, newline-terminated. */
	snprintf(path, sizeof(path), "%s/%u/comm", proc_root, pid);
	n = read_small(path, buf, sizeof(buf));
	if (n <= 0)
		return VMNAME_COMM;
	if (buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (strcmp(buf, comm))
		return VMNAME_COMM;

	snprintf(path, sizeof(path), "%s/%u/cmdline", proc_root, pid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0 && vmname_from_cmdline(buf, (size_t)n, name, size))
		return VMNAME_QEMU;
	snprintf(path, sizeof(path), "%s/%u/cgroup", proc_root, pid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0 && vmname_from_libvirt(buf, name, size))
		return VMNAME_LIBVIRT;
	if (n > 0 && vmname_from_k8s(buf, name, size))
		return VMNAME_K8S;
	snprintf(name, size, "%s", comm);
	return VMNAME_COMM;
}

int vtel_vms_name(struct vtel_ctx *ctx, struct vtel_list *vms)
{
	const char *root = ctx->proc_root ? ctx->proc_root : "/proc";
	char name[VMNAME_MAX];
	enum vmname_src src;
	struct vtel_rec *vm;
	size_t i;

	for (i = 0; i < vms->n; i++) {
		vm = &vms->v[i];
		if (rec_u(vm, VTEL_A_VM_STATE) == VTEL_VM_STATE_LIVE)
			src = vmname_get(root, (uint32_t)rec_u(vm, VTEL_A_PID),
					 rec_str(vm, VTEL_A_COMM), name,
					 sizeof(name));
		else
			src = vmname_get(NULL, 0, rec_str(vm, VTEL_A_COMM),
					 name, sizeof(name));
		if (rec_set_str(vm, VTEL_X_VM_NAME, name) ||
		    rec_set_str(vm, VTEL_X_VM_NAME_SRC, vmname_src_name(src)))
			return -ENOMEM;
	}
	return 0;
}
