from django.shortcuts import render

from accounts.access import SECTIONS_BY_KEY, section_required


def section_placeholder(section_key: str):
    """A page for a section whose app has not landed yet, inside the real layout."""

    @section_required(section_key)
    def view(request):
        section = SECTIONS_BY_KEY[section_key]
        return render(request, "placeholder.html", {"section": section})

    view.__name__ = f"{section_key}_placeholder"
    return view
