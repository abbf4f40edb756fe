"""Plain-JSON forms of the model: results.json (contract), controls and the API call log.

``layout`` writes the one JSON layout, ``result`` encodes and decodes one
result, ``documents`` the run, errors, controls, call log and whole scan.
Their public names are re-exported here, where the rest of govscan imports
them from.
"""

from govscan.serialize.documents import (
    RESULTS_SCHEMA_ID,
    api_call_from_dict,
    api_call_to_dict,
    control_from_dict,
    control_to_dict,
    error_from_dict,
    error_to_dict,
    run_from_dict,
    run_to_dict,
    scan_from_dict,
    scan_to_dict,
)
from govscan.serialize.layout import Encoded, dumps, encode_compact, encode_string, write_json
from govscan.serialize.result import (
    ResultDecoder,
    ResultEncoder,
    ref_from_dict,
    ref_to_dict,
    result_from_dict,
    result_to_dict,
)

__all__ = [
    "RESULTS_SCHEMA_ID",
    "Encoded",
    "ResultDecoder",
    "ResultEncoder",
    "api_call_from_dict",
    "api_call_to_dict",
    "control_from_dict",
    "control_to_dict",
    "dumps",
    "encode_compact",
    "encode_string",
    "error_from_dict",
    "error_to_dict",
    "ref_from_dict",
    "ref_to_dict",
    "result_from_dict",
    "result_to_dict",
    "run_from_dict",
    "run_to_dict",
    "scan_from_dict",
    "scan_to_dict",
    "write_json",
]
