# SPDX-License-Identifier: GPL-2.0
#
# vtel: build the module, the CLI, and run every test.
#
#   make                 vtel.ko for the running kernel (or KDIR=...) and the CLI
#   make install         module, CLI, man pages, completion, boot config
#                        (DESTDIR, PREFIX, KVER/KDIR; packaging/install.mk)
#   make dkms-install    the module through DKMS (make dkms-uninstall)
#   make modules-all     vtel.ko for every supported kernel, W=1, no warnings
#   make deps            install what building and testing need (Debian),
#                        and make the sid chroot and lab kernel (deps-sid)
#   make check           every test; ends with "N passed, N failed"
#   make lab             boot the QEMU lab, run VMs, show what vtel sees
#   make lab-debug       the lab on a lockdep/KASAN/kmemleak kernel, with stress
#                        (part of make check unless VTEL_SKIP_DEBUG=1;
#                        make check-debug is the same, for CI to run apart)
#   make bench           instructions per exit: vtel vs ftrace vs perf

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
REPO := $(CURDIR)
VTEL_CACHE ?= /var/tmp/vtel-cache
export VTEL_CACHE

# Newest installed kernel of each supported series, and sid's.
KVERS ?= $(shell tests/kernels.sh)

# Make in the kernel's build dir: on the host for the Debian 12 kernels, in
# the sid chroot (tests/sid/run.sh) for sid's, whose gcc the host lacks.
kmake = $(if $(wildcard /lib/modules/$(1)/build),,tests/sid/run.sh) \
	$(MAKE) -C /lib/modules/$(1)/build M=$(REPO)/build/$(1)

DEPS := build-essential bc flex bison kmod xz-utils cpio python3 python3-yaml python3-docutils \
	pkg-config sparse libnl-3-dev libnl-genl-3-dev prometheus tmux \
	dkms prometheus-node-exporter mmdebstrap bpftrace \
	qemu-system-x86 busybox-static linux-perf libelf-dev libssl-dev \
	bochs bochsbios vgabios grub-pc-bin grub-common xorriso mtools \
	linux-image-amd64 linux-headers-amd64 \
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12

.PHONY: all cli module modules-all sparse checkpatch deps deps-ok deps-sid check lab kunit \
	lab-debug check-debug bench clean

all: module cli

module:
	$(MAKE) -C $(KDIR) M=$(REPO) modules

cli:
	$(MAKE) -C tools/vtel all

include packaging/install.mk

# One out-of-tree build directory per kernel: symlinks to the sources.
# Always refreshed: a file new to kmod/ may be older than the last run.
build/%/Kbuild: FORCE
	@mkdir -p build/$*/kmod/tests
	@find build/$*/kmod build/$*/kmod/tests -maxdepth 1 -xtype l -delete
	@ln -sfn $(REPO)/include build/$*/include
	@ln -sf $(REPO)/Kbuild build/$*/Kbuild
	@for f in kmod/*.c kmod/*.h kmod/tests/*.[ch]; do ln -sf $(REPO)/$$f build/$*/$$f; done
	@touch -h build/$*/Kbuild

# The KUnit reference tables, compiled (not linked: no Debian kernel has
# KUnit) against each kernel's own headers, so they stay clean there too.
KUNIT_REF_OBJS := kmod/tests/vtel_reason_kunit.o

build/%/vtel.ko: build/%/Kbuild FORCE
	+$(call kmake,$*) W=1 modules 2>&1 | \
		tee build/$*/build.log
	+$(call kmake,$*) W=1 $(KUNIT_REF_OBJS) 2>&1 | tee -a build/$*/build.log
	@! grep -E 'warning:|error:' build/$*/build.log

modules-all: $(foreach k,$(KVERS),build/$(k)/vtel.ko)

# vtel.ko with the hot-path microbenchmark (kmod/vtel_bench.c), for
# tests/bench.sh and the smoke test; its own build dir, same sources.
build/bench/%/vtel-bench.ko: build/%/Kbuild FORCE
	@mkdir -p build/bench/$*
	@cp -a build/$*/Kbuild build/$*/include build/$*/kmod build/bench/$*/
	+$(subst M=$(REPO)/build/$*,M=$(REPO)/build/bench/$*,$(call kmake,$*)) \
		VTEL_BENCH=1 W=1 modules 2>&1 | tee build/bench/$*/build.log
	@! grep -E 'warning:|error:' build/bench/$*/build.log
	@cp build/bench/$*/vtel.ko $@

sparse: $(foreach k,$(KVERS),build/$(k)/Kbuild)
	+@$(foreach k,$(KVERS),\
		$(call kmake,$(k)) C=2 modules 2>&1 | tee build/$(k)/sparse.log; \
		! grep -E 'warning:|error:|not available' build/$(k)/sparse.log || exit 1;)

checkpatch:
	tests/checkpatch.sh

deps-ok:
	@dpkg -s $(DEPS) >/dev/null 2>&1 && tests/sid/setup.sh --check

deps:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $(DEPS)
	$(MAKE) deps-sid

# The sid build chroot and lab kernel, cached in $(VTEL_CACHE)/sid.
deps-sid:
	tests/sid/setup.sh

kunit:
	tests/kunit/run.sh

check:
	@tests/check.sh

lab: modules-all
	tests/lab/demo.sh

# The debug-kernel lab (lockdep, KASAN, kmemleak, fault injection, gcov;
# cached by config hash in $(VTEL_CACHE)/debug) on its own; make check runs
# it too. Not in make check: the -icount benchmark.
lab-debug check-debug:
	tests/debug/run.sh

bench:
	tests/bench.sh

clean:
	rm -rf build
	$(MAKE) -C tools/vtel clean
	$(MAKE) -C $(KDIR) M=$(REPO) clean 2>/dev/null || true

FORCE:
