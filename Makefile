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

# A run folder that already holds a run is resumed (a finished one just re-evaluates or re-samples).
AE_RUN := checkpoints/fashion-kl-f4
LDM_RUN := checkpoints/fashion-class-f4
run_or_resume = $(if $(wildcard $(2)/checkpoints/last.safetensors),--resume $(2),--config $(1) --run-dir $(2))

demo: setup
	$(SWIFT) build -c release --product train-ae
	$(SWIFT) build -c release --product train-ldm
	.build/release/train-ae $(call run_or_resume,configs/autoencoder/fashion-kl-f4.yaml,$(AE_RUN))
	.build/release/train-ldm $(call run_or_resume,configs/ldm/fashion-class-f4.yaml,$(LDM_RUN))
	.build/release/train-ldm sample --checkpoint $(LDM_RUN) --classes all --count 10 --out $(LDM_RUN)/samples

bench: setup
	$(SWIFT) run -c release ldm-bench $(if $(CASE),--case $(CASE))

fixtures:
	@bash Scripts/fixtures/run_all.sh
