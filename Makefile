# swift-ldm's commands. Each one that builds first installs any missing system library (Scripts/setup.sh).
#   make demo             build, train the default autoencoder (Fashion-MNIST KL-f4), cache its latents,
#                         train the class-conditional LDM on them and sample a 10×10 grid
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
	$(SWIFT) build -c release --product train-ldm
	.build/release/train-ae --config configs/autoencoder/fashion-kl-f4.yaml --run-dir checkpoints/fashion-kl-f4
	.build/release/train-ldm --config configs/ldm/fashion-class-f4.yaml --run-dir checkpoints/fashion-class-f4
	.build/release/train-ldm sample --checkpoint checkpoints/fashion-class-f4 --classes all --count 10 \
		--out checkpoints/fashion-class-f4/samples

bench: setup
	$(SWIFT) run -c release ldm-bench $(if $(CASE),--case $(CASE))

fixtures:
	@bash Scripts/fixtures/run_all.sh
