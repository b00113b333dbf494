// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-testvmm - a tiny KVM VMM that makes a known number of VM exits.
 *
 * Each VM has one memslot and N vCPUs (one thread each) in real mode, with
 * no in-kernel irqchip, so hlt exits to userspace as KVM_EXIT_HLT.  Every
 * vCPU runs the same generated guest code:
 *
 *   --io N      N x "out 0x10, al"            -> KVM_EXIT_IO (SVM "io")
 *   --cpuid N   N x "cpuid" (leaf 0)          -> handled in KVM (SVM "cpuid")
 *   --mmio N    N x "mov [0x9000], al", where 0x9000 is outside the memslot
 *                                             -> KVM_EXIT_MMIO (SVM "npf")
 *   --io-in N   N x "in al, 0x13" (the VMM answers 0)
 *                                             -> KVM_EXIT_IO, the second port
 *   --mmio-read N  N x "mov al, [0xa008]", outside the memslot too
 *                                             -> KVM_EXIT_MMIO read, second page
 *   then hlt                                  -> KVM_EXIT_HLT (SVM "hlt")
 *
 * With --loop SECONDS the guest repeats the mix in rounds; after each round
 * it does "in al, 0x11" and the VMM answers 0 (go on) or 1 (stop, then hlt)
 * once SECONDS have elapsed since that vCPU's first KVM_RUN.  That "in" is a port IO exit and is included
 * in guest_io, so io_exits == guest_io always holds.  With --stop-file PATH
 * the loop also ends once PATH exists: a test then bounds the run by what it
 * does meanwhile rather than by a clock (under Bochs, guest time runs far
 * from wall time).
 *
 * With --idle TICKS the VM gets an in-kernel irqchip (KVM_CREATE_IRQCHIP)
 * and PIT (KVM_CREATE_PIT2), the way real VMs idle.  The guest programs the
 * PIC (IRQ0 at vector 8, everything else masked) and the PIT at --hz
 * (default 100), then TICKS times: "sti; hlt" (KVM blocks the vCPU thread
 * in the kernel until the tick; no exit to userspace), "cli", and --busy N
 * iterations of a register-only loop.  Then "out 0x12, al" tells the VMM it
 * is done.  The tick handler counts interrupts at GPA 0x500 (printed as
 * irqs); the VMM counts that last out in guest_io, while KVM's io_exits
 * also counts the in-kernel PIC and PIT writes.  KVM's LAPIC starts hardware-enabled with LVT0 masked, which would
 * block the PIC's ExtINT, so the VMM clears the enable bit of
 * MSR_IA32_APICBASE first.  Idle mode needs --vcpus 1 and excludes --loop.
 *
 * --io-sleep US makes the VMM sleep US microseconds after each "out 0x10"
 * before it resumes the guest; --mmio-sleep US does the same after each
 * MMIO write to 0x9000.  --pin CPU pins each vCPU thread to CPU;
 * --hog also forks a process that spins on that CPU until the VMM is done.
 *
 * After each vCPU's run, KVM's own per-vCPU counters are read through
 * KVM_GET_STATS_FD and printed as one machine-readable line:
 *
 *   vm=<k> pid=<pid> vcpu=<id> tid=<tid> guest_io=<N> guest_cpuid=<N>
 *   guest_mmio=<N> exits=<N> io_exits=<N> mmio_exits=<N> halt_exits=<N>
 *   irq_exits=<N> wall_ns=<N> rounds=<N> halt_wait_ns=<N>
 *   halt_poll_success_ns=<N> halt_poll_fail_ns=<N> run_delay_ns=<N>
 *   irqs=<N> guest_io_in=<N> guest_mmio_read=<N> user_ns=<N>
 *
 * run_delay_ns is the increase of the thread's run delay (the second field
 * of /proc/self/task/<tid>/schedstat) over the run loop, irqs the guest's
 * tick count (0 without --idle).
 *
 * guest_io and guest_mmio are what the VMM saw (and checked against what the
 * guest was told to do), all ports and pages; guest_io_in and guest_mmio_read
 * are the parts of them on the second port and page; guest_cpuid is what the guest was told to do (cpuid
 * never reaches userspace).  wall_ns is the wall time of the vCPU's run loop,
 * user_ns the part of it in the VMM, from each KVM_RUN's return to the next
 * KVM_RUN (inside the exits' handling time, for exits to userspace).
 *
 * Any KVM error or unexpected exit is reported on stderr and the process
 * exits with status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG		"vtel-testvmm"
#define MEM_SIZE	0x8000u		/* guest RAM: GPA 0 .. 0x7fff */
#define CODE_GPA	0x1000u
#define MMIO_GPA	0x9000u		/* unbacked: above the memslot */
#define MMIO_READ_GPA	0xa008u		/* unbacked, the next page but one */
#define PORT_IO		0x10
#define PORT_ROUND	0x11
#define PORT_DONE	0x12		/* --idle: the guest is done */
#define PORT_IN		0x13
#define IRQ_COUNT_GPA	0x500u		/* --idle: u16 tick count */
#define IRQ_VECTOR	8		/* --idle: PIC IRQ0, as a BIOS sets it */
#define PIT_HZ		1193182u
#define MAX_VCPUS	64
#define MAX_VMS		256

struct opts {
	uint64_t io, cpuid, mmio, io_in, mmio_read;
	unsigned int vcpus, vms;
	double loop_s;		/* 0: one shot */
	double hold_s;
	uint64_t idle;		/* ticks to halt for; 0: no irqchip */
	uint64_t busy;		/* loop iterations between halts */
	uint64_t hz;
	uint64_t io_sleep_us;
	uint64_t mmio_sleep_us;
	int pin;		/* CPU for the vCPU threads, -1: none */
	int hog;
	const char *stop_file;	/* --loop ends when it exists */
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
};

struct vm {
	unsigned int idx;
	int fd;
	void *mem;
	struct vcpu vcpu[MAX_VCPUS];
};

static struct opts opt = { .vcpus = 1, .vms = 1, .hz = 100, .pin = -1 };
static int kvm_fd = -1;
static long run_size;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, PROG ": error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define die_errno(fmt, ...) \
	die(fmt ": %s", ##__VA_ARGS__, strerror(errno))

static void sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / 1000000),
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------- guest */

struct code {
	uint8_t *p;
	size_t len, cap;
};

static void emit(struct code *c, const uint8_t *b, size_t n)
{
	if (c->len + n > c->cap)
		die("internal: guest code does not fit");
	memcpy(c->p + c->len, b, n);
	c->len += n;
}

static void emit1(struct code *c, uint8_t b)
{
	emit(c, &b, 1);
}

/* A counted loop in 16-bit code: mov esi, n; L: body; dec esi; jnz L. */
static void emit_loop(struct code *c, uint32_t n, const uint8_t *body, size_t blen)
{
	uint8_t mov_esi[6] = { 0x66, 0xbe, (uint8_t)n, (uint8_t)(n >> 8),
			       (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
	static const uint8_t dec_esi[2] = { 0x66, 0x4e };
	size_t top;
	long rel;

	if (!n)
		return;
	emit(c, mov_esi, sizeof(mov_esi));
	top = c->len;
	emit(c, body, blen);
	emit(c, dec_esi, sizeof(dec_esi));
	rel = (long)top - (long)(c->len + 2);
	if (rel < -128)
		die("internal: loop body too long");
	emit1(c, 0x75);			/* jnz rel8 */
	emit1(c, (uint8_t)(int8_t)rel);
}

/* mov al, v; out port, al */
static void emit_outb(struct code *c, uint8_t port, uint8_t v)
{
	const uint8_t b[4] = { 0xb0, v, 0xe6, port };

	emit(c, b, sizeof(b));
}

/*
 * --idle: the tick handler (EOI to the PIC, count the tick, iret) and the
 * halt loop, ending with an out to PORT_DONE.
 */
static void build_idle(struct code *c, uint8_t *mem)
{
	static const uint8_t handler[] = {
		0x50,				/* push ax */
		0xb0, 0x20, 0xe6, 0x20,		/* mov al, 0x20; out 0x20, al */
		0xff, 0x06, IRQ_COUNT_GPA & 0xff, IRQ_COUNT_GPA >> 8,
						/* inc word [0x500] */
		0x58,				/* pop ax */
		0xcf,				/* iret */
	};
	uint32_t div = (PIT_HZ + (uint32_t)opt.hz / 2) / (uint32_t)opt.hz;
	uint32_t ticks = (uint32_t)opt.idle, busy = (uint32_t)opt.busy;
	uint8_t b[8];
	size_t h, top;
	long rel;

	/* Jump over the handler, which sits in line. */
	emit1(c, 0xeb);
	emit1(c, sizeof(handler));
	h = CODE_GPA + c->len;
	emit(c, handler, sizeof(handler));
	mem[IRQ_VECTOR * 4] = (uint8_t)h;
	mem[IRQ_VECTOR * 4 + 1] = (uint8_t)(h >> 8);
	mem[IRQ_VECTOR * 4 + 2] = 0;
	mem[IRQ_VECTOR * 4 + 3] = 0;

	emit1(c, 0xfa);				/* cli */
	emit_outb(c, 0x20, 0x11);		/* ICW1: edge, cascade, ICW4 */
	emit_outb(c, 0x21, IRQ_VECTOR);		/* ICW2: vector base */
	emit_outb(c, 0x21, 0x04);		/* ICW3: slave on IRQ2 */
	emit_outb(c, 0x21, 0x01);		/* ICW4: 8086 mode */
	emit_outb(c, 0x21, 0xfe);		/* OCW1: only IRQ0 */
	emit_outb(c, 0xa1, 0xff);		/* slave: all masked */
	emit_outb(c, 0x43, 0x34);		/* PIT ch0, lo/hi, rate generator */
	emit_outb(c, 0x40, (uint8_t)div);
	emit_outb(c, 0x40, (uint8_t)(div >> 8));

	/* mov esi, ticks; L: sti; hlt; cli; [busy]; dec esi; jnz near L */
	b[0] = 0x66; b[1] = 0xbe;
	memcpy(b + 2, &ticks, 4);
	emit(c, b, 6);
	top = c->len;
	emit1(c, 0xfb);
	emit1(c, 0xf4);
	emit1(c, 0xfa);
	if (busy) {
		/* mov ecx, busy; L2: dec ecx; jnz L2 */
		b[0] = 0x66; b[1] = 0xb9;
		memcpy(b + 2, &busy, 4);
		emit(c, b, 6);
		b[0] = 0x66; b[1] = 0x49; b[2] = 0x75; b[3] = 0xfc;
		emit(c, b, 4);
	}
	b[0] = 0x66; b[1] = 0x4e; b[2] = 0x0f; b[3] = 0x85;
	emit(c, b, 4);
	rel = (long)top - (long)(c->len + 2);
	emit1(c, (uint8_t)(rel & 0xff));
	emit1(c, (uint8_t)((rel >> 8) & 0xff));
	emit1(c, 0xe6);				/* out PORT_DONE, al */
	emit1(c, PORT_DONE);
}

static size_t build_guest(uint8_t *mem)
{
	/* out 0x10, al */
	static const uint8_t io_body[] = { 0xe6, PORT_IO };
	/* xor eax, eax; cpuid  (cpuid clobbers eax..edx, never esi) */
	static const uint8_t cpuid_body[] = { 0x66, 0x31, 0xc0, 0x0f, 0xa2 };
	/* mov [MMIO_GPA], al  (ds = 0) */
	static const uint8_t mmio_body[] = { 0xa2, MMIO_GPA & 0xff, MMIO_GPA >> 8 };
	/* in al, PORT_IN */
	static const uint8_t io_in_body[] = { 0xe4, PORT_IN };
	/* mov al, [MMIO_READ_GPA] */
	static const uint8_t mmio_read_body[] = { 0xa0, MMIO_READ_GPA & 0xff,
						  MMIO_READ_GPA >> 8 };
	struct code c = { .p = mem + CODE_GPA, .cap = MEM_SIZE - CODE_GPA };
	size_t top = c.len;

	emit_loop(&c, (uint32_t)opt.io, io_body, sizeof(io_body));
	emit_loop(&c, (uint32_t)opt.cpuid, cpuid_body, sizeof(cpuid_body));
	emit_loop(&c, (uint32_t)opt.mmio, mmio_body, sizeof(mmio_body));
	emit_loop(&c, (uint32_t)opt.io_in, io_in_body, sizeof(io_in_body));
	emit_loop(&c, (uint32_t)opt.mmio_read, mmio_read_body,
		  sizeof(mmio_read_body));
	if (opt.loop_s > 0) {
		/* in al, 0x11; test al, al; jz near top */
		static const uint8_t ask[] = { 0xe4, PORT_ROUND, 0x84, 0xc0, 0x0f, 0x84 };
		long rel;

		emit(&c, ask, sizeof(ask));
		rel = (long)top - (long)(c.len + 2);
		emit1(&c, (uint8_t)(rel & 0xff));
		emit1(&c, (uint8_t)((rel >> 8) & 0xff));
	}
	if (opt.idle)
		build_idle(&c, mem);
	emit1(&c, 0xf4);		/* hlt */
	emit1(&c, 0xeb);		/* jmp $ (never reached) */
	emit1(&c, 0xfe);
	return c.len;
}

/* ---------------------------------------------------------------- stats */

struct kstats {
	uint64_t exits, io_exits, mmio_exits, halt_exits, irq_exits;
	uint64_t halt_wait_ns, halt_poll_success_ns, halt_poll_fail_ns;
};

#define NSTATS 8

static void read_vcpu_stats(struct vcpu *v, struct kstats *ks)
{
	static const char *const want[] = {
		"exits", "io_exits", "mmio_exits", "halt_exits", "irq_exits",
		"halt_wait_ns", "halt_poll_success_ns", "halt_poll_fail_ns",
	};
	uint64_t *dst[NSTATS] = {
		&ks->exits, &ks->io_exits, &ks->mmio_exits, &ks->halt_exits,
		&ks->irq_exits, &ks->halt_wait_ns, &ks->halt_poll_success_ns,
		&ks->halt_poll_fail_ns,
	};
	int found[NSTATS] = { 0 };
	struct kvm_stats_header h;
	size_t dsz;
	char *descs;
	int fd;

	fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		die_errno("vm %u vcpu %u: KVM_GET_STATS_FD", v->vm->idx, v->id);
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		die_errno("vm %u vcpu %u: reading stats header", v->vm->idx, v->id);
	dsz = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (!descs)
		die("out of memory");
	if (pread(fd, descs, dsz * h.num_desc, h.desc_offset) != (ssize_t)(dsz * h.num_desc))
		die_errno("vm %u vcpu %u: reading stats descriptors", v->vm->idx, v->id);

	for (uint32_t i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * dsz);

		for (size_t w = 0; w < NSTATS; w++) {
			if (strncmp(d->name, want[w], h.name_size))
				continue;
			if (d->size != 1)
				die("stat %s has size %u, expected 1", want[w], d->size);
			if (pread(fd, dst[w], 8, h.data_offset + d->offset) != 8)
				die_errno("vm %u vcpu %u: reading stat %s",
					  v->vm->idx, v->id, want[w]);
			found[w] = 1;
		}
	}
	for (size_t w = 0; w < NSTATS; w++)
		if (!found[w])
			die("KVM vcpu stats have no '%s' counter", want[w]);
	free(descs);
	close(fd);
}

/* The thread's run delay: the second field of its schedstat, in ns. */
static uint64_t run_delay_ns(long tid)
{
	char path[64];
	unsigned long long run, delay;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		die_errno("%s", path);
	if (fscanf(f, "%llu %llu", &run, &delay) != 2)
		die("%s: cannot parse", path);
	fclose(f);
	return delay;
}

/* ---------------------------------------------------------------- vcpu */

static const char *exit_name(uint32_t r)
{
	switch (r) {
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_EXCEPTION: return "EXCEPTION";
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	default: return "?";
	}
}

static void __attribute__((noreturn)) die_exit(struct vcpu *v, const char *what)
{
	struct kvm_run *r = v->run;
	struct kvm_regs regs;
	unsigned long long rip = ~0ull;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0)
		rip = regs.rip;
	if (r->exit_reason == KVM_EXIT_FAIL_ENTRY)
		die("vm %u vcpu %u: %s exit %u (%s), hw reason 0x%llx, rip 0x%llx",
		    v->vm->idx, v->id, what, r->exit_reason, exit_name(r->exit_reason),
		    (unsigned long long)r->fail_entry.hardware_entry_failure_reason, rip);
	if (r->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		die("vm %u vcpu %u: %s exit %u (%s), suberror %u, rip 0x%llx",
		    v->vm->idx, v->id, what, r->exit_reason, exit_name(r->exit_reason),
		    r->internal.suberror, rip);
	if (r->exit_reason == KVM_EXIT_IO)
		die("vm %u vcpu %u: %s exit IO: port 0x%x dir %s size %u count %u, rip 0x%llx",
		    v->vm->idx, v->id, what, r->io.port,
		    r->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
		    r->io.size, r->io.count, rip);
	if (r->exit_reason == KVM_EXIT_MMIO)
		die("vm %u vcpu %u: %s exit MMIO: gpa 0x%llx len %u %s, rip 0x%llx",
		    v->vm->idx, v->id, what, (unsigned long long)r->mmio.phys_addr,
		    r->mmio.len, r->mmio.is_write ? "write" : "read", rip);
	die("vm %u vcpu %u: %s exit %u (%s), rip 0x%llx", v->vm->idx, v->id, what,
	    r->exit_reason, exit_name(r->exit_reason), rip);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_run *r = v->run;
	uint64_t io = 0, mmio = 0, rounds = 0, t0, wall;
	uint64_t stop_at = 0, rd0, rd, want;
	uint64_t io_in = 0, mmio_read = 0, user = 0, t_ret = 0;
	struct kstats ks;
	long tid = syscall(SYS_gettid);
	uint16_t irqs = 0;

	if (opt.pin >= 0) {
		cpu_set_t set;
		int err;

		CPU_ZERO(&set);
		CPU_SET(opt.pin, &set);
		err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (err)
			die("vm %u vcpu %u: pinning to CPU %d: %s", v->vm->idx, v->id,
			    opt.pin, strerror(err));
	}
	rd0 = run_delay_ns(tid);
	t0 = now_ns();
	if (opt.loop_s > 0)
		stop_at = t0 + (uint64_t)(opt.loop_s * 1e9);
	for (;;) {
		if (t_ret)
			user += now_ns() - t_ret;	/* KVM_RUN returned to now */
		if (ioctl(v->fd, KVM_RUN, NULL) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die_errno("vm %u vcpu %u: KVM_RUN", v->vm->idx, v->id);
		}
		t_ret = now_ns();
		if (r->exit_reason == KVM_EXIT_HLT)
			break;
		if (r->exit_reason == KVM_EXIT_INTR)
			continue;
		if (r->exit_reason == KVM_EXIT_IO && r->io.size == 1 && r->io.count == 1) {
			uint8_t *data = (uint8_t *)r + r->io.data_offset;

			if (r->io.port == PORT_IO && r->io.direction == KVM_EXIT_IO_OUT) {
				io++;
				if (opt.io_sleep_us)
					sleep_us(opt.io_sleep_us);
				continue;
			}
			if (r->io.port == PORT_DONE && r->io.direction == KVM_EXIT_IO_OUT &&
			    opt.idle) {
				io++;
				break;
			}
			if (r->io.port == PORT_ROUND && r->io.direction == KVM_EXIT_IO_IN &&
			    opt.loop_s > 0) {
				io++;
				rounds++;
				*data = now_ns() >= stop_at ||
					(opt.stop_file && !access(opt.stop_file, F_OK));
				continue;
			}
			if (r->io.port == PORT_IN && r->io.direction == KVM_EXIT_IO_IN) {
				io++;
				io_in++;
				*data = 0;
				continue;
			}
		}
		if (r->exit_reason == KVM_EXIT_MMIO && r->mmio.is_write &&
		    r->mmio.phys_addr == MMIO_GPA && r->mmio.len == 1) {
			mmio++;
			if (opt.mmio_sleep_us)
				sleep_us(opt.mmio_sleep_us);
			continue;
		}
		if (r->exit_reason == KVM_EXIT_MMIO && !r->mmio.is_write &&
		    r->mmio.phys_addr == MMIO_READ_GPA && r->mmio.len == 1) {
			mmio++;
			mmio_read++;
			r->mmio.data[0] = 0;
			continue;
		}
		die_exit(v, "unexpected");
	}
	wall = now_ns() - t0;
	rd = run_delay_ns(tid) - rd0;
	if (opt.idle)
		memcpy(&irqs, (uint8_t *)v->vm->mem + IRQ_COUNT_GPA, sizeof(irqs));
	if (opt.loop_s <= 0)
		rounds = 1;

	/* What the guest did must be exactly what it was told to do. */
	want = rounds * (opt.io + opt.io_in) + (opt.loop_s > 0 ? rounds : 0) +
	       (opt.idle ? 1 : 0);
	if (io != want || io_in != rounds * opt.io_in)
		die("vm %u vcpu %u: saw %" PRIu64 " port IO exits (%" PRIu64
		    " in), expected %" PRIu64 " (%" PRIu64 ")",
		    v->vm->idx, v->id, io, io_in, want, rounds * opt.io_in);
	if (mmio != rounds * (opt.mmio + opt.mmio_read) ||
	    mmio_read != rounds * opt.mmio_read)
		die("vm %u vcpu %u: saw %" PRIu64 " MMIO exits (%" PRIu64
		    " reads), expected %" PRIu64 " (%" PRIu64 ")",
		    v->vm->idx, v->id, mmio, mmio_read,
		    rounds * (opt.mmio + opt.mmio_read), rounds * opt.mmio_read);

	read_vcpu_stats(v, &ks);
	pthread_mutex_lock(&out_lock);
	printf("vm=%u pid=%d vcpu=%u tid=%ld guest_io=%" PRIu64 " guest_cpuid=%" PRIu64
	       " guest_mmio=%" PRIu64 " exits=%" PRIu64 " io_exits=%" PRIu64
	       " mmio_exits=%" PRIu64 " halt_exits=%" PRIu64 " irq_exits=%" PRIu64
	       " wall_ns=%" PRIu64 " rounds=%" PRIu64 " halt_wait_ns=%" PRIu64
	       " halt_poll_success_ns=%" PRIu64 " halt_poll_fail_ns=%" PRIu64
	       " run_delay_ns=%" PRIu64 " irqs=%u guest_io_in=%" PRIu64
	       " guest_mmio_read=%" PRIu64 " user_ns=%" PRIu64 "\n",
	       v->vm->idx, (int)getpid(), v->id, tid, io, rounds * opt.cpuid, mmio,
	       ks.exits, ks.io_exits, ks.mmio_exits, ks.halt_exits, ks.irq_exits,
	       wall, rounds, ks.halt_wait_ns, ks.halt_poll_success_ns,
	       ks.halt_poll_fail_ns, rd, irqs, io_in, mmio_read, user);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	return NULL;
}

/* ---------------------------------------------------------------- vm */

static void vcpu_setup(struct vm *vm, unsigned int id)
{
	struct vcpu *v = &vm->vcpu[id];
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	v->vm = vm;
	v->id = id;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0)
		die_errno("vm %u: KVM_CREATE_VCPU %u", vm->idx, id);
	v->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED)
		die_errno("vm %u vcpu %u: mmap kvm_run", vm->idx, id);

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		die_errno("vm %u vcpu %u: KVM_GET_SREGS", vm->idx, id);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	sregs.es.base = 0;
	sregs.es.selector = 0;
	sregs.ss.base = 0;
	sregs.ss.selector = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
		die_errno("vm %u vcpu %u: KVM_SET_SREGS", vm->idx, id);

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = CODE_GPA;		/* unused; below the code */
	regs.rflags = 0x2;		/* IF clear: no interrupts wanted */
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		die_errno("vm %u vcpu %u: KVM_SET_REGS", vm->idx, id);
}

/*
 * KVM's LAPIC starts hardware-enabled with LVT0 masked, which blocks the
 * PIC's ExtINT; with the APIC disabled, PIC interrupts reach the vCPU.
 */
static void apic_hw_disable(struct vcpu *v)
{
	struct {
		struct kvm_msrs h;
		struct kvm_msr_entry e;
	} m = { .h.nmsrs = 1, .e.index = 0x1b };	/* MSR_IA32_APICBASE */

	if (ioctl(v->fd, KVM_GET_MSRS, &m) != 1)
		die_errno("vm %u vcpu %u: KVM_GET_MSRS APICBASE", v->vm->idx, v->id);
	m.e.data &= ~(1ull << 11);			/* the global enable */
	if (ioctl(v->fd, KVM_SET_MSRS, &m) != 1)
		die_errno("vm %u vcpu %u: KVM_SET_MSRS APICBASE", v->vm->idx, v->id);
}

static void vm_run(struct vm *vm)
{
	struct kvm_userspace_memory_region region;
	int err;

	vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0UL);
	if (vm->fd < 0)
		die_errno("vm %u: KVM_CREATE_VM", vm->idx);
	/* Needed by VMX without unrestricted guest; harmless elsewhere. */
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0)
		die_errno("vm %u: KVM_SET_TSS_ADDR", vm->idx);

	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die_errno("vm %u: mmap guest memory", vm->idx);
	build_guest(vm->mem);

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_errno("vm %u: KVM_SET_USER_MEMORY_REGION", vm->idx);

	if (opt.idle) {
		struct kvm_pit_config pit = { .flags = 0 };

		/* Before any vCPU: the LAPICs are created with the vCPUs. */
		if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0) < 0)
			die_errno("vm %u: KVM_CREATE_IRQCHIP", vm->idx);
		if (ioctl(vm->fd, KVM_CREATE_PIT2, &pit) < 0)
			die_errno("vm %u: KVM_CREATE_PIT2", vm->idx);
	}
	for (unsigned int i = 0; i < opt.vcpus; i++) {
		vcpu_setup(vm, i);
		if (opt.idle)
			apic_hw_disable(&vm->vcpu[i]);
	}

	for (unsigned int i = 0; i < opt.vcpus; i++) {
		err = pthread_create(&vm->vcpu[i].thread, NULL, vcpu_thread, &vm->vcpu[i]);
		if (err)
			die("vm %u: pthread_create: %s", vm->idx, strerror(err));
	}
	for (unsigned int i = 0; i < opt.vcpus; i++) {
		err = pthread_join(vm->vcpu[i].thread, NULL);
		if (err)
			die("vm %u: pthread_join: %s", vm->idx, strerror(err));
	}
}

static void vm_close(struct vm *vm)
{
	for (unsigned int i = 0; i < opt.vcpus; i++) {
		munmap(vm->vcpu[i].run, (size_t)run_size);
		close(vm->vcpu[i].fd);
	}
	munmap(vm->mem, MEM_SIZE);
	close(vm->fd);
}

/* ---------------------------------------------------------------- hog */

/* A child that spins on CPU until killed: a noisy neighbour. */
static pid_t hog_start(int cpu)
{
	cpu_set_t set;
	pid_t p;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	p = fork();
	if (p < 0)
		die_errno("fork");
	if (p == 0) {
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			_exit(1);
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	return p;
}

static void hog_stop(pid_t p)
{
	int st;

	kill(p, SIGKILL);
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--io N] [--cpuid N] [--mmio N] [--io-in N] [--mmio-read N]\n"
		"                    [--vcpus N] [--vms N] [--loop SECONDS [--stop-file PATH]]\n"
		"                    [--hold SECONDS]\n"
		"                    [-- IGNORED...]\n"
		"  --io N          port writes (out 0x10) per vCPU (per round with --loop)\n"
		"  --cpuid N       cpuid instructions per vCPU (per round with --loop)\n"
		"  --mmio N        writes to unbacked GPA 0x%x per vCPU (per round)\n"
		"  --io-in N       port reads (in 0x%x) per vCPU (per round)\n"
		"  --mmio-read N   reads of unbacked GPA 0x%x per vCPU (per round)\n"
		"  --vcpus N       vCPUs per VM, one thread each (default 1, max %d)\n"
		"  --vms N         VMs created one after another (default 1, max %d)\n"
		"  --loop SECONDS  repeat the mix until SECONDS have elapsed, then hlt\n"
		"                  (default mix if none given: --io 50 --cpuid 20 --mmio 10)\n"
		"  --stop-file PATH  with --loop: also stop once PATH exists\n"
		"  --hold SECONDS  sleep before closing the VMs' fds and exiting\n"
		"  --idle TICKS    in-kernel irqchip and PIT; halt until TICKS timer ticks,\n"
		"                  then out 0x12 (after the --io/--cpuid/--mmio mix, once)\n"
		"  --busy N        --idle: loop N iterations in the guest after each tick\n"
		"  --hz N          --idle: PIT frequency (default 100, 19..10000)\n"
		"  --io-sleep US   sleep US microseconds in the VMM after each out 0x10\n"
		"  --mmio-sleep US sleep US microseconds in the VMM after each MMIO write\n"
		"  --pin CPU       pin each vCPU thread to CPU\n"
		"  --hog           with --pin: a process spins on that CPU meanwhile\n"
		"  -- IGNORED...   the rest is ignored: a VMM command line to mimic\n"
		"                  (-- -name guest=web01 looks like QEMU to vtel vms)\n"
		"Prints one line per vCPU with the guest's work and KVM's own counters.\n",
		MMIO_GPA, PORT_IN, MMIO_READ_GPA, MAX_VCPUS, MAX_VMS);
}

static uint64_t parse_u64(const char *name, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	if (!s)
		die("%s needs a value (try --help)", name);
	errno = 0;
	if (*s < '0' || *s > '9')
		die("%s: '%s' is not a non-negative integer", name, s);
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		die("%s: '%s' is not an integer in 0..%" PRIu64, name, s, max);
	return v;
}

static double parse_secs(const char *name, const char *s)
{
	char *end;
	double v;

	if (!s)
		die("%s needs a value (try --help)", name);
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v >= 0) || v > 86400)
		die("%s: '%s' is not a number of seconds in 0..86400", name, s);
	return v;
}

int main(int argc, char **argv)
{
	static struct vm vms[MAX_VMS];
	pid_t hog = 0;
	int ver;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--io")) {
			opt.io = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--cpuid")) {
			opt.cpuid = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--mmio")) {
			opt.mmio = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--io-in")) {
			opt.io_in = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--mmio-read")) {
			opt.mmio_read = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--vcpus")) {
			opt.vcpus = (unsigned int)parse_u64(a, val, MAX_VCPUS), i++;
		} else if (!strcmp(a, "--vms")) {
			opt.vms = (unsigned int)parse_u64(a, val, MAX_VMS), i++;
		} else if (!strcmp(a, "--loop")) {
			opt.loop_s = parse_secs(a, val), i++;
		} else if (!strcmp(a, "--stop-file")) {
			if (!val || !*val)
				die("--stop-file needs a path (try --help)");
			opt.stop_file = val, i++;
		} else if (!strcmp(a, "--hold")) {
			opt.hold_s = parse_secs(a, val), i++;
		} else if (!strcmp(a, "--idle")) {
			opt.idle = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--busy")) {
			opt.busy = parse_u64(a, val, UINT32_MAX), i++;
		} else if (!strcmp(a, "--hz")) {
			opt.hz = parse_u64(a, val, 10000), i++;
		} else if (!strcmp(a, "--io-sleep")) {
			opt.io_sleep_us = parse_u64(a, val, 10000000), i++;
		} else if (!strcmp(a, "--mmio-sleep")) {
			opt.mmio_sleep_us = parse_u64(a, val, 10000000), i++;
		} else if (!strcmp(a, "--pin")) {
			opt.pin = (int)parse_u64(a, val, CPU_SETSIZE - 1), i++;
		} else if (!strcmp(a, "--hog")) {
			opt.hog = 1;
		} else {
			usage(stderr);
			die("unknown argument '%s'", a);
		}
	}
	if (!opt.vcpus || !opt.vms)
		die("--vcpus and --vms must be at least 1");
	if (opt.idle && (opt.vcpus != 1 || opt.loop_s > 0))
		die("--idle needs --vcpus 1 and no --loop");
	if ((opt.busy || opt.hz != 100) && !opt.idle)
		die("--busy and --hz need --idle");
	if (opt.hz < 19)
		die("--hz must be at least 19 (the PIT divisor is 16 bits)");
	if (opt.hog && opt.pin < 0)
		die("--hog needs --pin CPU");
	if (opt.stop_file && opt.loop_s <= 0)
		die("--stop-file needs --loop");
	if (opt.loop_s > 0 && !opt.io && !opt.cpuid && !opt.mmio) {
		opt.io = 50;
		opt.cpuid = 20;
		opt.mmio = 10;
	}

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die_errno("cannot open /dev/kvm (is kvm loaded?)");
	ver = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION)
		die("KVM API version %d, expected %d", ver, KVM_API_VERSION);
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		die("KVM lacks KVM_CAP_BINARY_STATS_FD");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(struct kvm_run))
		die_errno("KVM_GET_VCPU_MMAP_SIZE");

	if (opt.hog)
		hog = hog_start(opt.pin);
	for (unsigned int k = 0; k < opt.vms; k++) {
		vms[k].idx = k;
		vm_run(&vms[k]);
	}
	if (hog > 0)
		hog_stop(hog);
	if (opt.hold_s > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)opt.hold_s,
			.tv_nsec = (long)((opt.hold_s - (double)(time_t)opt.hold_s) * 1e9),
		};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	for (unsigned int k = 0; k < opt.vms; k++)
		vm_close(&vms[k]);
	close(kvm_fd);
	return 0;
}
