"""The queue grid shared by the operator console and the agency view: one row per item, keyed by
item so live refreshes keep the scroll position and the selection; rows coloured by due state."""

from __future__ import annotations

import dash_ag_grid as dag

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
            "overlayNoRowsTemplate": empty_text,
        },
        rowClassRules={**(extra_row_classes or {}), **DUE_ROW_CLASSES},
        className="op-grid",
        style={"height": "100%"},
    )
