# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall / dkms-install / dkms-uninstall, included by the
# top-level Makefile (which sets KVER, KDIR and REPO).
#
#   make install [DESTDIR=D] [PREFIX=/usr/local] [KVER=...|KDIR=...]
#
# installs (paths relative to DESTDIR):
#   /lib/modules/$(KVER)/updates/vtel.ko     then depmod, unless DESTDIR
#   $(PREFIX)/sbin/vtel, $(PREFIX)/sbin/vtel-textfile
#   $(PREFIX)/share/man/man8/vtel.8, man7/vtel-module.7
#   /usr/share/bash-completion/completions/vtel
#   /etc/modules-load.d/vtel.conf, /etc/modprobe.d/vtel.conf (commented)
#   $(PREFIX)/lib/systemd/system/vtel-textfile.{service,timer} (not enabled)
#   $(PREFIX)/share/vtel/prometheus/vtel-rules.yml
# `make uninstall` with the same variables removes exactly these files.
# An existing file under SYSCONFDIR is kept (a local edit), and uninstall
# removes it only if it is still the shipped one.

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share/vtel
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc
BASHCOMPDIR ?= /usr/share/bash-completion/completions
MODDIR      ?= /lib/modules/$(KVER)/updates
DEPMOD      ?= depmod
DKMS        ?= dkms
INSTALL     ?= install

VTEL_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(REPO)/dkms.conf)
DKMS_SRC    ?= /usr/src/vtel-$(VTEL_VERSION)

# Configuration: kept when present, removed only when unchanged.
CONF_FILES := \
	$(SYSCONFDIR)/modules-load.d/vtel.conf:packaging/modprobe/modules-load.conf \
	$(SYSCONFDIR)/modprobe.d/vtel.conf:packaging/modprobe/modprobe.conf

# Files whose install path does not depend on a build product.
INST_FILES := \
	$(SBINDIR)/vtel-textfile:755:packaging/vtel-textfile \
	$(MANDIR)/man8/vtel.8:644:Documentation/vtel.8 \
	$(MANDIR)/man7/vtel-module.7:644:Documentation/vtel-module.7 \
	$(BASHCOMPDIR)/vtel:644:packaging/bash-completion/vtel \
	$(DATADIR)/prometheus/vtel-rules.yml:644:packaging/prometheus/vtel-rules.yml

.PHONY: install uninstall install-module install-cli dkms-src dkms-install \
	dkms-uninstall

install: install-module install-cli

install-module: module
	$(INSTALL) -D -m 644 vtel.ko $(DESTDIR)$(MODDIR)/vtel.ko
	$(if $(DESTDIR),@echo "DESTDIR set: not running depmod",$(DEPMOD) -a $(KVER))

install-cli: cli
	$(INSTALL) -D -m 755 tools/vtel/vtel $(DESTDIR)$(SBINDIR)/vtel
	@set -e; for e in $(INST_FILES); do \
		dst=$${e%%:*}; rest=$${e#*:}; mode=$${rest%%:*}; src=$${rest#*:}; \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		$(INSTALL) -D -m $$mode $$src $(DESTDIR)$$dst; \
	done
	@for e in $(CONF_FILES); do \
		dst=$(DESTDIR)$${e%%:*}; src=$${e#*:}; \
		if [ -e $$dst ] && ! cmp -s $$src $$dst; then \
			echo "  KEEP    $$dst (locally changed)"; \
		else \
			echo "  INSTALL $$dst"; \
			$(INSTALL) -D -m 644 $$src $$dst || exit 1; \
		fi; \
	done
	@for u in vtel-textfile.service vtel-textfile.timer; do \
		echo "  INSTALL $(DESTDIR)$(UNITDIR)/$$u"; \
		mkdir -p $(DESTDIR)$(UNITDIR); \
		sed 's|@SBINDIR@|$(SBINDIR)|g' packaging/systemd/$$u \
			>$(DESTDIR)$(UNITDIR)/$$u || exit 1; \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u; \
	done

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/vtel.ko $(DESTDIR)$(SBINDIR)/vtel \
		$(DESTDIR)$(UNITDIR)/vtel-textfile.service \
		$(DESTDIR)$(UNITDIR)/vtel-textfile.timer
	@for e in $(INST_FILES); do rm -f $(DESTDIR)$${e%%:*}; done
	@for e in $(CONF_FILES); do \
		dst=$(DESTDIR)$${e%%:*}; src=$${e#*:}; \
		if [ -e $$dst ] && ! cmp -s $$src $$dst; then \
			echo "  KEEP    $$dst (locally changed)"; \
		else \
			rm -f $$dst; \
		fi; \
	done
	-rmdir $(DESTDIR)$(DATADIR)/prometheus $(DESTDIR)$(DATADIR) 2>/dev/null
	$(if $(DESTDIR),@true,$(DEPMOD) -a $(KVER))

# DKMS: the module's sources under /usr/src/vtel-VERSION (dkms-src), then
# dkms add/build/install for $(KVER). dkms rebuilds it for new kernels
# (AUTOINSTALL). The CLI is installed separately (make install-cli).
# tests/dkms.sh sets VTEL_VERSION to a version of its own.
DKMS_FILES := Kbuild kmod include

dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r $(DKMS_FILES) $(DKMS_SRC)/
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VTEL_VERSION)"/' dkms.conf \
		>$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	$(DKMS) add -m vtel -v $(VTEL_VERSION)
	$(DKMS) build -m vtel -v $(VTEL_VERSION) -k $(KVER)
	$(DKMS) install -m vtel -v $(VTEL_VERSION) -k $(KVER)

dkms-uninstall:
	-$(DKMS) remove -m vtel -v $(VTEL_VERSION) --all
	rm -rf $(DKMS_SRC)
