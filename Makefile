PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# pytest-xdist workers for `make test`: one per core of the 2-core machine it is tuned on.
TEST_WORKERS ?= 2

.PHONY: demo test bench lock clean

$(BIN)/cookiecutter: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

demo: $(BIN)/cookiecutter  ## bake the defaults, install, seed and serve (DEMO_CHECK=1: check and stop)
	$(BIN)/python -m tools.demo

test: $(BIN)/cookiecutter  ## bake every combination and prove each one works; the slowest 15 and the time
	@started=$$(date +%s); status=0; \
	$(BIN)/pytest tests -n $(TEST_WORKERS) --dist loadgroup --durations=15 || status=$$?; \
	seconds=$$(( $$(date +%s) - started )); \
	echo "make test: $$((seconds / 60))m$$((seconds % 60))s wall time on $(TEST_WORKERS) workers"; \
	exit $$status

bench: $(BIN)/cookiecutter  ## the full export and import benchmarks: 100,000 rows every method, 1,000,000 rows
	$(BIN)/pytest tests/test_benchmark.py -m bench

lock: $(BIN)/cookiecutter  ## re-resolve the generated project's lock (its requirements*.txt)
	$(BIN)/python -m tools.lock

clean:  ## the template's own files; the baked projects' virtualenvs are in ~/.cache/django-backoffice-template
	rm -rf $(VENV) .cache .demo .artifacts
