from django.http import HttpRequest


def csp(request: HttpRequest) -> dict[str, str]:
    """The response's Content Security Policy nonce as `csp_nonce`, Django 6's name for it.

    django-csp puts the nonce on the request; under this name the templates are the same ones a
    Django 6 project renders with `django.template.context_processors.csp`. The nonce stays lazy:
    only a template that renders it adds it to the policy.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
