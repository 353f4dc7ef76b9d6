"""The queue grid shared by the operator console and the agency view: one row per item, keyed by
item so live refreshes keep the scroll position and the selection; rows coloured by due state.

No string that AG Grid would evaluate as code or HTML (dash-ag-grid blocks those and logs a SEVERE
error): the empty-queue message is a component (`BccNoRows`, assets/operator.js) with the text as a
parameter. Row class rules and formatters are dash-ag-grid's own parsed expressions.
"""

from __future__ import annotations

import dash_ag_grid as dag

from dashboard.i18n import label, t
from domain.numbering import item_number

DUE_ROW_CLASSES = {
    "row-overdue": "params.data.due_state === 'terlambat'",
    "row-soon": "params.data.due_state === 'segera'",
}


def queue_grid(grid_id: str, columns: list[dict], empty_text: str, extra_row_classes: dict[str, str] | None = None) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=[],
        getRowId="params.data.key",
        dashGridOptions={
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "animateRows": False,
            "noRowsOverlayComponent": "BccNoRows",
            "noRowsOverlayComponentParams": {"message": empty_text},
        },
        rowClassRules={**(extra_row_classes or {}), **DUE_ROW_CLASSES},
        className="op-grid",
        style={"height": "100%"},
    )


def present_rows(rows: list[dict], lang: str) -> list[dict]:
    """Queue rows with what a person reads: the spoken number and labels instead of stored codes.
    The codes stay in the row (the alarm and the row colours read them)."""
    for row in rows:
        kind = row["kind"]
        row["number"] = item_number(kind, row["id"])
        row["status_label"] = label("status", kind, row["status"], lang)
        if kind == "emergency":
            what = label("kind", "emergency", row["category"], lang)
            row["category_label"] = what
            row["title"] = t("op_em_title", lang, kind=what)
            row["source_label"] = t("op_source_panic", lang)
        else:
            row["category_label"] = row.get("category_en") if lang == "en" else row["category"]
            row["source_label"] = label("source", "complaint", row["source"], lang)
        row["kelurahan"] = row["kelurahan"] or t("op_outside_city", lang)
    return rows
