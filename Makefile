PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lock clean

$(BIN)/cookiecutter: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

demo: $(BIN)/cookiecutter  ## bake the defaults, install, seed and serve (DEMO_CHECK=1: check and stop)
	$(BIN)/python -m tools.demo

test: $(BIN)/cookiecutter  ## bake every combination and prove each one works
	$(BIN)/pytest tests

lock: $(BIN)/cookiecutter  ## re-resolve the generated project's lock (its requirements*.txt)
	$(BIN)/python -m tools.lock

clean:  ## the template's own files; the baked projects' virtualenvs are in ~/.cache/django-backoffice-template
	rm -rf $(VENV) .cache .demo .artifacts
