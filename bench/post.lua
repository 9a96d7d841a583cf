-- wrk script for the create runs of bench/crm.sh and bench/peer.sh: every
-- request is a POST of the same body, given in the environment: POST_TYPE
-- (the content type) and POST_BODY. The summary is crm.lua's.
dofile("bench/crm.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("POST_TYPE")
wrk.body = os.getenv("POST_BODY")
