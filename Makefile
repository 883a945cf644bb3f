# swift-ldm's commands. Each one that builds first installs any missing system library (Scripts/setup.sh).
#   make demo             build, then train the default autoencoder (Fashion-MNIST KL-f4) and evaluate it
#   make test             build and run the whole test suite, optimised
#   make bench CASE=sgemm run one benchmark case (all cases without CASE)
#   make fixtures         regenerate the PyTorch/Pillow/h5py test fixtures
#   make setup            install the system libraries only

SWIFT ?= swift
CASE ?=

.PHONY: setup test demo bench fixtures

setup:
	@bash Scripts/setup.sh

# Release, because the numeric tests are many times faster optimised (no test uses @testable).
# The suite is XCTest; Swift Testing is switched off so the run ends on XCTest's summary line.
test: setup
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build --disable-swift-testing

demo: setup
	$(SWIFT) build -c release --product train-ae
	.build/release/train-ae --config configs/autoencoder/fashion-kl-f4.yaml

bench: setup
	$(SWIFT) run -c release ldm-bench $(if $(CASE),--case $(CASE))

fixtures:
	@bash Scripts/fixtures/run_all.sh
