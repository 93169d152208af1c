"""Swedish widgets: Streamlit's widgets without their English words (issue 12).

Streamlit writes some texts of its own that no argument translates: a multiselect's
"Select all" and "No results", the uploader's "Upload", "Drag and drop files here",
"200MB per file • XLSX" and file sizes like "261.0KB". Every page uses these helpers
instead of the bare widgets:

- :func:`flerval` — a multiselect without "Select all" and without typing (so no
  "No results"), whose chips and options wrap instead of being cut off;
- :func:`uppladdning` — the file uploader with its English hidden and the same facts in
  Swedish beside it (the size limit, the file types, each chosen file's size);
- :func:`svenska_widgetar` — the style sheet that does the hiding (``app.py`` draws it on
  every page through ``dolj_verktygsrader``).

What stays English is read only by screen readers (the aria labels "Clear all",
"Remove …", "Add files"); Streamlit offers no way to set them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import streamlit as st

from core import text

_SVENSKA_WIDGETAR = """<style>
/* The uploader: its English instructions and sizes are hidden; uppladdning() says them in Swedish. */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileChipName"] + * { display: none !important; }
[data-testid="stFileUploaderDropzone"] button > * { display: none !important; }
[data-testid="stFileUploaderDropzone"] button::after { content: "Välj filer"; }
/* While files are dragged over it: "Släpp filerna här", not "Drag and drop files here". */
[data-testid="stFileUploaderDropzone"] > input + div:not(:has(button)) { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] > input + div:not(:has(button))::after { content: "Släpp filerna här";
  font-size: 1rem; }
/* A multiselect's chosen values wrap instead of being cut off with "…" (streamlit 1.67: react-aria). */
[data-testid="stMultiSelect"] [data-tag] { max-width: 100% !important; height: auto !important; }
[data-testid="stMultiSelect"] [data-tag] > span { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
/* The options of an open list wrap too (a multiselect's rows are 40 px: two short lines fit). */
[role="listbox"] [role="option"] [data-item-hl] { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; line-height: 1.2; }
/* A metric's label (a key figure's name) wraps instead of being cut off. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
</style>"""


def svenska_widgetar() -> None:
    """Hide Streamlit's English widget texts and let long choices wrap (once per run)."""
    st.html(_SVENSKA_WIDGETAR)


def flerval(
    etikett: str,
    alternativ: Mapping[str, str] | Sequence,
    *,
    key: str,
    format_func: Callable | None = None,
    placeholder: str = "Alla",
    behallare=None,
    **kwargs,
):
    """A multiselect in Swedish: no "Select all", no typing (so no "No results"), and
    ``placeholder`` ("Alla") when nothing is chosen.

    Parameters
    ----------
    alternativ : the values to choose from; a mapping ``kod -> etikett`` shows its labels.
    behallare : where to draw it (``st.sidebar``, a column); default the page.
    kwargs : passed on to ``st.multiselect`` (``max_selections``, ``help``, ``default`` …).

    Returns
    -------
    list
        The chosen values (codes), in the order chosen.
    """
    if isinstance(alternativ, Mapping):
        etiketter = dict(alternativ)
        alternativ = list(etiketter)
        format_func = format_func or (lambda k: etiketter.get(k, k))
    return (behallare or st).multiselect(
        etikett,
        list(alternativ),
        format_func=format_func or str,
        key=key,
        placeholder=placeholder,
        select_all=False,
        filter_mode=None,
        **kwargs,
    )


def storsta_uppladdning_mb() -> int:
    """The server's limit per uploaded file, in MB (``server.maxUploadSize``)."""
    return int(st.get_option("server.maxUploadSize"))


def uppladdningstext(typer: Sequence[str]) -> str:
    """What the uploader accepts, in Swedish: ``Högst 200 MB per fil. Filtyper: .xlsx, .zip, .csv.``"""
    return (
        f"Dra filerna hit eller tryck på Välj filer. Högst {text.tal(storsta_uppladdning_mb())} MB per fil. "
        f"Filtyper: {', '.join('.' + t.lstrip('.') for t in typer)}."
    )


def uppladdning(etikett: str, typer: Sequence[str], *, key: str, flera: bool = True, behallare=None):
    """The file uploader in Swedish: its own instructions and sizes are hidden
    (:func:`svenska_widgetar`); the limit and the file types ``typer`` are said under it,
    and the chosen files are listed with their sizes (``261 kB``). Any file is accepted:
    the caller checks the types and says what it did not read, in Swedish.

    Returns what ``st.file_uploader`` returns (a list of files when ``flera``).
    """
    yta = behallare or st
    # No ``type=``: Streamlit would refuse another file with its English "File type must be
    # …". The caller's own check says it in Swedish (the importer: "Filen 'x.txt' är inte en
    # CSV-fil, arbetsbok eller zip-fil och lästes inte.").
    filer = yta.file_uploader(etikett, accept_multiple_files=flera, key=key)
    valda = filer if isinstance(filer, list) else ([filer] if filer is not None else [])
    yta.caption(uppladdningstext(typer))
    if valda:
        yta.caption("Valda filer: " + "; ".join(f"{f.name} ({text.filstorlek(f.size)})" for f in valda))
    return filer
