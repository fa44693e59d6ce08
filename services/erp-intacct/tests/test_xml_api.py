"""The Intacct XML envelope: what we send and how each failure depth is read."""
from erp_intacct.adapters import xml_api


def test_given_login_credentials_when_built_then_control_and_login_blocks_carry_them():
    body = xml_api.build_request(sender_id="snd", sender_password="sp", functions=[xml_api.get_api_session()],
                                 auth={"userid": "u", "companyid": "c", "password": "p", "locationid": "US"})
    text = body.decode()
    assert "<senderid>snd</senderid>" in text and "<uniqueid>false</uniqueid>" in text
    assert "<dtdversion>3.0</dtdversion>" in text
    assert "<login><userid>u</userid><companyid>c</companyid><password>p</password><locationid>US</locationid></login>" in text
    assert '<function controlid="' in text and "<getAPISession />" in text


def test_given_a_filter_tree_when_query_built_then_nested_operators_are_written():
    q = xml_api.query("VENDOR", ["RECORDNO", "NAME"], filter=("and", ("isnull", "WHENMODIFIED"),
                                                               ("greaterthan", "RECORDNO", 5)),
                      order_by="RECORDNO", pagesize=100)
    text = xml_api.ET.tostring(q).decode()
    assert "<and><isnull><field>WHENMODIFIED</field></isnull><greaterthan><field>RECORDNO</field><value>5</value>" in text
    assert "<orderby><order><field>RECORDNO</field><ascending /></order></orderby>" in text


def test_given_a_control_failure_when_parsed_then_its_errors_are_read():
    resp = xml_api.parse_response(b"""<response><control><status>failure</status></control><errormessage><error>
        <errorno>GW-0010</errorno><description>Rate limit</description><description2/><correction/></error>
        </errormessage></response>""")
    assert resp.control_status == "failure" and resp.control_errors[0].errorno == "GW-0010"


def test_given_a_function_failure_when_parsed_then_the_result_carries_it():
    resp = xml_api.parse_response(b"""<response><control><status>success</status></control><operation>
        <authentication><status>success</status></authentication><result><status>failure</status>
        <function>query</function><controlid>x</controlid><errormessage><error><errorno>BL01001973</errorno>
        <description></description><description2>No permission</description2><correction></correction></error>
        </errormessage></result></operation></response>""")
    [result] = resp.results
    assert result.status == "failure" and result.errors[0].description2 == "No permission"


def test_given_nested_fields_when_rows_read_then_they_are_flattened_with_dots():
    resp = xml_api.parse_response(b"""<response><control><status>success</status></control><operation>
        <authentication><status>success</status></authentication><result><status>success</status>
        <function>query</function><controlid>x</controlid><data listtype="EMPLOYEE" count="1" numremaining="0">
        <EMPLOYEE><RECORDNO>3</RECORDNO><PERSONALINFO><CONTACTNAME>Ann</CONTACTNAME></PERSONALINFO></EMPLOYEE>
        </data></result></operation></response>""")
    assert xml_api.rows(resp.results[0].data) == [{"RECORDNO": "3", "PERSONALINFO.CONTACTNAME": "Ann"}]


def test_given_html_when_parsed_then_malformed():
    try:
        xml_api.parse_response(b"<html><body>oops</body></html>")
    except xml_api.MalformedResponse as exc:
        assert "unexpected document" in str(exc)
    else:
        raise AssertionError("accepted HTML")
