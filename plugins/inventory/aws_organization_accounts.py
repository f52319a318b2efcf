# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: aws_organization_accounts
short_description: The accounts of an AWS Organization as inventory hosts
version_added: 0.1.0
description:
  - Makes every account of an AWS Organization, or of some of its organizational units (OUs), an inventory host
    with C(ansible_connection=local) and the host variable C(account_id), the way the roles of cloudsec.aged_keys expect.
  - Puts one account in the group C(central) (O(central_account_id) or O(central_account_tag)) and every selected
    account in the group C(targets).
  - Every host gets the variable C(aged_keys_central_account_id), the central account's id, so that a part of the
    inventory without the central host (C(--limit), AWX job slicing) still finds the central topic.
  - The central host gets C(aged_keys_target_account_ids), the ids of every selected account, so that the central
    topic and key policies name all of them even in an AWX job slice that holds only part of the targets.
  - Reads the organization with C(organizations:DescribeOrganization), C(ListRoots), C(ListOrganizationalUnitsForParent),
    C(ListAccountsForParent) and, only when tags are needed, C(ListTagsForResource) per account. These calls work in the
    management account or in a member account registered as a delegated administrator; O(assume_role_arn) assumes a role
    there first.
  - Only accounts in state C(ACTIVE) are listed unless O(states) says otherwise. The account state is the C(State) field
    of Organizations, or the older C(Status) field where C(State) is absent.
  - amazon.aws and community.aws have no inventory plugin for the accounts of an organization (their inventory plugins list
    EC2 instances, RDS databases and MQ brokers).
  - Uses a YAML configuration file whose name ends with C(aws_organization_accounts.yml) or C(aws_organization_accounts.yaml).
  - Every value read from AWS Organizations (account names and e-mails, OU paths, tags) is marked unsafe, so Ansible
    never evaluates a template in it; values of O(account_vars) come from this file and are used as written.
  - A configuration that names an option the plugin does not have, or whose selection matches no account, is an error
    (with C(unparsed_is_failed), the run fails) - a mistyped option or filter never silently checks fewer, or more, accounts.
options:
  plugin:
    description: The name of this plugin. It makes the configuration file recognisable.
    required: true
    type: str
    choices: ['cloudsec.aged_keys.aws_organization_accounts']
  assume_role_session_name:
    description: Session name used with O(assume_role_arn).
    type: str
    default: cloudsec-aged-keys-inventory
  organizational_units:
    description:
      - Select the accounts of these OUs. Each entry is an OU id (C(ou-...)), the root id (C(r-...)) or a path of OU names
        from the root, such as C(Root/Workloads/Prod).
      - Empty selects the whole organization.
    type: list
    elements: str
    default: []
  include_nested:
    description: Also select the accounts of every OU below the OUs of O(organizational_units).
    type: bool
    default: true
    aliases: [recursive]
  exclude_organizational_units:
    description: Leave out the accounts of these OUs (ids or paths, like O(organizational_units)) and of every OU below them.
    type: list
    elements: str
    default: []
  account_ids:
    description: Select only these accounts (12-digit ids, quoted in YAML).
    type: list
    elements: str
    default: []
  exclude_account_ids:
    description: Leave out these accounts.
    type: list
    elements: str
    default: []
  account_names:
    description: Select only accounts whose name matches one of these shell-style patterns (C(*), C(?), C([...]); case-sensitive).
    type: list
    elements: str
    default: []
  exclude_account_names:
    description: Leave out accounts whose name matches one of these shell-style patterns.
    type: list
    elements: str
    default: []
  include_tags:
    description:
      - Select only accounts that carry every one of these tags. A value may be a list of accepted values.
    type: dict
    default: {}
  exclude_tags:
    description:
      - Leave out accounts that carry any one of these tags. A value may be a list of values.
    type: dict
    default: {}
  states:
    description:
      - Account states to list. C(all) lists every account.
      - States are C(ACTIVE), C(SUSPENDED), C(PENDING_CLOSURE), C(CLOSED) and C(PENDING_ACTIVATION).
    type: list
    elements: str
    default: [ACTIVE]
  central_account_id:
    description:
      - The account that owns the notification topic; it is put in the group C(central).
      - It is found even outside the selected OUs. It is also in C(targets) when the filters select it.
      - Mutually exclusive with O(central_account_tag).
    type: str
  central_account_tag:
    description:
      - "A tag, as a one-entry dictionary such as C({aged-keys-role: central}), that marks the central account among the
        selected accounts. Exactly one selected account must carry it."
      - Mutually exclusive with O(central_account_id).
    type: dict
  fetch_tags:
    description:
      - When to read the tags of every selected account (one C(ListTagsForResource) call per account).
      - C(auto) reads them only when a tag option (O(include_tags), O(exclude_tags), O(central_account_tag),
        O(tag_variables)) is set or O(compose), O(groups) or O(keyed_groups) mention C(tags).
      - Tags are then available as the host variable C(account_tags).
    type: str
    choices: [auto, always, never]
    default: auto
  tag_variables:
    description:
      - "Per-account settings from account tags. Maps a tag key to the name of the host variable that takes its value,
        for example C({aged-keys:home-region: aged_keys_home_region}). Tag values are strings."
    type: dict
    default: {}
  account_vars:
    description:
      - Per-account host variables, keyed by account id (quoted). They override O(tag_variables).
      - For example, the account whose credentials run the playbook needs C(aged_keys_assume_role=false).
    type: dict
    default: {}
  hostnames:
    description:
      - How hosts are named.
      - C(account_name) is the account name in lower case, with every run of characters other than letters, digits, C(.),
        C(_) and C(-) replaced by C(-). Account names are not unique in an organization; accounts whose names clash
        are named C(<name>-<account id>) instead, with a warning.
      - C(account_id) is the 12-digit account id.
      - C(account_name_and_id) is C(<name>-<account id>) for every account.
    type: str
    choices: [account_name, account_id, account_name_and_id]
    default: account_name
notes:
  - Host variables set for every account are C(account_id), C(account_name), C(account_email), C(account_arn),
    C(account_state), C(account_joined_method), C(account_joined_timestamp) (ISO 8601), C(account_ou_id) (the OU or root that
    holds the account), C(account_ou_path) (such as C(Root/Workloads/Prod)), C(account_organization_id),
    C(ansible_connection=local) and, when tags are read, C(account_tags).
  - Organizations throttles requests; each page is retried with backoff. Enable the inventory cache for large organizations.
  - Organizations is a global service; O(region) defaults to the environment's region, else C(us-east-1).
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
"""

EXAMPLES = r"""
# inventory/prod.aws_organization_accounts.yml
# Every active account of the OU Workloads and the OUs below it; the security tooling account is central.
plugin: cloudsec.aged_keys.aws_organization_accounts
assume_role_arn: arn:aws:iam::111111111111:role/OrganizationsReadOnly
organizational_units:
  - Root/Workloads
central_account_id: "222222222222"
exclude_account_names:
  - "*-sandbox"
tag_variables:
  aged-keys:home-region: aged_keys_home_region
account_vars:
  "111111111111":
    aged_keys_assume_role: false
keyed_groups:
  - key: account_ou_path | regex_replace('/', '_')
    prefix: ou

---
# Only accounts tagged for the rollout, central account marked by a tag, cached for an hour.
plugin: cloudsec.aged_keys.aws_organization_accounts
include_tags:
  aged-keys: enabled
central_account_tag:
  aged-keys-role: central
hostnames: account_name_and_id
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
cache_timeout: 3600
"""

import difflib
import fnmatch
import hashlib
import json
import re

try:
    import botocore
except ImportError:
    pass  # amazon.aws's require_aws_sdk reports it

from ansible.errors import AnsibleParserError
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils import organizations

ACCOUNT_ID_PATTERN = re.compile(r"^[0-9]{12}$")
UNIT_ID_PATTERN = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")
HOSTNAME_UNSAFE = re.compile(r"[^a-z0-9._-]+")
CENTRAL_GROUP = "central"
TARGETS_GROUP = "targets"
CENTRAL_ACCOUNT_VARIABLE = "aged_keys_central_account_id"
TARGET_ACCOUNTS_VARIABLE = "aged_keys_target_account_ids"
CONSTRUCTED_OPTIONS = ("compose", "groups", "keyed_groups")
# Options that do not change what is read from AWS: left out of the cache key. Credentials
# stay out of it too, so that no secret (nor a hash of one) ends up in a cache file name.
NOT_IN_CACHE_KEY = frozenset((
    "plugin", "compose", "groups", "keyed_groups", "strict", "leading_separator", "use_extra_vars",
    "cache", "cache_plugin", "cache_timeout", "cache_connection", "cache_prefix",
    "access_key", "secret_key", "session_token", "profile", "hostnames", "account_vars", "tag_variables",
))


def as_account_id(value, option):
    """A 12-digit account id from an option value (YAML may have made an unquoted id a number)."""
    text = "{0:012d}".format(value) if isinstance(value, int) else str(value)
    if not ACCOUNT_ID_PATTERN.match(text):
        raise AnsibleParserError("{0}: '{1}' is not a 12-digit AWS account id; quote account ids in YAML, for example '012345678901'".format(option, value))
    return text


def unknown_options(config, definitions):
    """One message per key of the configuration that is neither an option nor an alias, naming the closest valid option."""
    valid = {}
    for name, definition in definitions.items():
        valid[name] = name
        for alias in (definition or {}).get("aliases") or []:
            valid[alias] = name
    messages = []
    for key in sorted(config):
        if key in valid:
            continue
        close = difflib.get_close_matches(key, list(valid), n=1)
        hint = "; did you mean '{0}'?".format(valid[close[0]]) if close else ""
        messages.append("unknown option '{0}'{1}".format(key, hint))
    return messages


def tag_matches(tags, key, wanted):
    accepted = wanted if isinstance(wanted, list) else [wanted]
    return key in tags and tags[key] in [str(value) for value in accepted]


def matches_any_name(name, patterns):
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def account_record(account, unit, organization_id):
    """The host variables of an account, from ListAccountsForParent or DescribeAccount output."""
    joined = account.get("JoinedTimestamp")
    return {
        "account_id": account["Id"],
        "account_name": account.get("Name", ""),
        "account_email": account.get("Email", ""),
        "account_arn": account.get("Arn", ""),
        "account_state": organizations.account_state(account),
        "account_joined_method": account.get("JoinedMethod", ""),
        "account_joined_timestamp": joined.isoformat() if hasattr(joined, "isoformat") else joined,
        "account_ou_id": unit["Id"],
        "account_ou_path": unit["Path"],
        "account_organization_id": organization_id,
    }


def sanitized_name(name):
    return HOSTNAME_UNSAFE.sub("-", name.lower()).strip("-") or "account"


def host_names(records, style):
    """Host name of every account id: unique, usable in host patterns."""
    if style == "account_id":
        return {record["account_id"]: record["account_id"] for record in records}, []
    names = {record["account_id"]: sanitized_name(record["account_name"]) for record in records}
    clashing = set()
    if style == "account_name":
        seen = {}
        for account_id, name in names.items():
            seen.setdefault(name, []).append(account_id)
        clashing = {account_id for ids in seen.values() if len(ids) > 1 for account_id in ids}
    for account_id in names:
        if style == "account_name_and_id" or account_id in clashing:
            names[account_id] = "{0}-{1}".format(names[account_id], account_id)
    if len(set(names.values())) != len(names):
        raise AnsibleParserError("hostnames: account names give clashing host names; use hostnames: account_id")
    return names, sorted(clashing)


class InventoryModule(AWSInventoryBase):
    NAME = "cloudsec.aged_keys.aws_organization_accounts"
    INVENTORY_FILE_SUFFIXES = ("aws_organization_accounts.yml", "aws_organization_accounts.yaml")

    def _read_config_data(self, path):
        """The configuration, refused when it names an option this plugin does not have: a mistyped option
        would otherwise be ignored and the selection silently widened."""
        config = super()._read_config_data(path)
        unknown = unknown_options(config, self.option_definitions)
        if unknown:
            raise AnsibleParserError("{0}: {1}".format(path, "; ".join(unknown)))
        return config

    def _do_fail(self, message):
        raise AnsibleParserError(message)

    # ------------------------------------------------------------ credentials and client

    def _set_frozen_credentials(self):
        """Assume assume_role_arn (if set) with our session name, explaining a refusal."""
        role_arn = self.get_option("assume_role_arn")
        if not role_arn:
            return
        session_name = self.get_option("assume_role_session_name")
        try:
            credentials = self.client("sts", region=self._region()).assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise AnsibleParserError(
                "Cannot assume {0} to read the organization: {1}. The credentials running the inventory need sts:AssumeRole "
                "on that role, and its trust policy must allow them.".format(role_arn, error)
            )
        self._frozen_credentials = {
            "profile_name": None,
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def _region(self):
        return self.region or organizations.DEFAULT_REGION

    def organizations_client(self):
        return self.client("organizations", region=self._region(), aws_config=botocore.config.Config(**organizations.RETRY_CONFIG))

    def _caller_arn(self):
        """Who the credentials are, for error messages (never the credentials themselves)."""
        try:
            return self.client("sts", region=self._region()).get_caller_identity()["Arn"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
            return "(unknown caller)"

    def _explain(self, error, organization):
        if isinstance(error, botocore.exceptions.ClientError):
            message = "Reading AWS Organizations as {0} failed: {1}".format(self._caller_arn(), error)
            if organization and organizations.error_code(error) == "AccessDeniedException":
                message += ". The organization {0} is managed by account {1}".format(organization["Id"], organization["MasterAccountId"])
            hint = organizations.advice(error)
            return "{0}. {1}".format(message, hint) if hint else message
        return "Reading AWS Organizations failed: {0}".format(error)

    # ------------------------------------------------------------ options

    def _selection_options(self):
        """Filter options, validated and normalised."""
        central_tag = self.get_option("central_account_tag")
        central_id = self.get_option("central_account_id")
        if central_tag and central_id:
            raise AnsibleParserError("Set central_account_id or central_account_tag, not both")
        if central_tag is not None and len(central_tag) != 1:
            raise AnsibleParserError("central_account_tag must hold exactly one tag, for example {aged-keys-role: central}")
        states = [state.upper() for state in self.get_option("states")]
        unknown_states = set(states) - set(organizations.ACCOUNT_STATES) - {"ALL"}
        if unknown_states:
            raise AnsibleParserError("states: unknown account states {0}; use {1} or all".format(
                ", ".join(sorted(unknown_states)), ", ".join(organizations.ACCOUNT_STATES)))
        return {
            "units": list(self.get_option("organizational_units")),
            "include_nested": self.get_option("include_nested"),
            "exclude_units": list(self.get_option("exclude_organizational_units")),
            "account_ids": {as_account_id(value, "account_ids") for value in self.get_option("account_ids")},
            "exclude_account_ids": {as_account_id(value, "exclude_account_ids") for value in self.get_option("exclude_account_ids")},
            "account_names": list(self.get_option("account_names")),
            "exclude_account_names": list(self.get_option("exclude_account_names")),
            "include_tags": dict(self.get_option("include_tags")),
            "exclude_tags": dict(self.get_option("exclude_tags")),
            "states": None if "ALL" in states else set(states),
            "central_id": as_account_id(central_id, "central_account_id") if central_id else None,
            "central_tag": dict(central_tag) if central_tag else None,
        }

    def _tags_wanted(self, selection):
        fetch = self.get_option("fetch_tags")
        by_options = bool(selection["include_tags"] or selection["exclude_tags"] or selection["central_tag"] or self.get_option("tag_variables"))
        if fetch == "never":
            if by_options:
                raise AnsibleParserError("fetch_tags: never, but include_tags, exclude_tags, central_account_tag or tag_variables need the account tags")
            return False
        if fetch == "always" or by_options:
            return True
        constructed = json.dumps([self.get_option(name) for name in CONSTRUCTED_OPTIONS], default=str)
        return "tags" in constructed

    # ------------------------------------------------------------ reading the organization

    def read_accounts(self, client, selection, with_tags):
        """(records of the selected accounts, id of the central account or None)."""
        organization = None
        try:
            organization = organizations.describe_organization(client)
            units = []
            for root in organizations.list_roots(client):
                units.extend(organizations.walk_organizational_units(client, root))
            parents = self._selected_units(units, selection)
            records = []
            for unit in parents:
                for account in organizations.list_accounts_for_parent(client, unit["Id"]):
                    records.append(account_record(account, unit, organization["Id"]))
            records = [record for record in records if self._keep_before_tags(record, selection)]
            if with_tags:
                for record in records:
                    record["account_tags"] = organizations.list_tags(client, record["account_id"])
                records = [record for record in records if self._keep_by_tags(record, selection)]
            central_id = self._central_account(client, selection, records, units, organization, with_tags)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
            raise AnsibleParserError(self._explain(error, organization))
        return sorted(records, key=lambda record: record["account_id"]), central_id

    @staticmethod
    def _resolve_units(units, references, option):
        """Unit ids of OU ids or paths; an unknown one is an error."""
        by_id = {unit["Id"]: unit for unit in units}
        by_path = {unit["Path"]: unit for unit in units}
        found, unknown = [], []
        for reference in references:
            unit = by_id.get(reference) if UNIT_ID_PATTERN.match(reference) else by_path.get(reference.strip(organizations.PATH_SEPARATOR))
            if unit is None:
                unknown.append(reference)
            else:
                found.append(unit["Id"])
        if unknown:
            raise AnsibleParserError(
                "{0}: {1} not found in the organization. Give OU ids (ou-...), the root id (r-...) or paths of OU names from the "
                "root such as '{2}' (case-sensitive); the organization has {3} OUs, for example: {4}".format(
                    option, ", ".join(unknown), units[-1]["Path"], len(units), ", ".join(unit["Path"] for unit in units[:8])))
        return found

    def _selected_units(self, units, selection):
        if selection["units"]:
            chosen = self._resolve_units(units, selection["units"], "organizational_units")
            chosen = organizations.descendants(units, chosen) if selection["include_nested"] else set(chosen)
        else:
            chosen = {unit["Id"] for unit in units}
        if selection["exclude_units"]:
            chosen -= organizations.descendants(units, self._resolve_units(units, selection["exclude_units"], "exclude_organizational_units"))
        return [unit for unit in units if unit["Id"] in chosen]

    @staticmethod
    def _keep_before_tags(record, selection):
        account_id, name = record["account_id"], record["account_name"]
        return (
            (selection["states"] is None or record["account_state"] in selection["states"])
            and (not selection["account_ids"] or account_id in selection["account_ids"])
            and account_id not in selection["exclude_account_ids"]
            and (not selection["account_names"] or matches_any_name(name, selection["account_names"]))
            and not matches_any_name(name, selection["exclude_account_names"])
        )

    @staticmethod
    def _keep_by_tags(record, selection):
        tags = record["account_tags"]
        return (
            all(tag_matches(tags, key, value) for key, value in selection["include_tags"].items())
            and not any(tag_matches(tags, key, value) for key, value in selection["exclude_tags"].items())
        )

    def _central_account(self, client, selection, records, units, organization, with_tags):
        """Id of the central account; one outside the selection is added to records as central only."""
        if selection["central_tag"]:
            key, value = list(selection["central_tag"].items())[0]
            matched = [record["account_id"] for record in records if tag_matches(record["account_tags"], key, value)]
            if len(matched) != 1:
                raise AnsibleParserError(
                    "central_account_tag {0}={1}: {2} of the selected accounts carry it ({3}); exactly one account must be central. "
                    "Tag one account, or use central_account_id.".format(key, value, len(matched), ", ".join(matched) or "none"))
            return matched[0]
        central_id = selection["central_id"]
        if central_id is None or any(record["account_id"] == central_id for record in records):
            return central_id
        records.append(self._outside_account(client, central_id, units, organization, with_tags))
        return central_id

    @staticmethod
    def _outside_account(client, account_id, units, organization, with_tags):
        """The central account when the filters do not select it: DescribeAccount and ListParents."""
        try:
            account = organizations.describe_account(client, account_id)
        except botocore.exceptions.ClientError as error:
            if organizations.error_code(error) == "AccountNotFoundException":
                raise AnsibleParserError("central_account_id {0} is not an account of the organization {1}".format(account_id, organization["Id"]))
            raise
        state = organizations.account_state(account)
        if state != "ACTIVE":
            raise AnsibleParserError(
                "central_account_id {0} ({1}) is {2}, not ACTIVE: choose an active central account".format(account_id, account.get("Name"), state))
        parent_id = organizations.list_parents(client, account_id)[0]["Id"]
        unit = next(unit for unit in units if unit["Id"] == parent_id)
        record = account_record(account, unit, organization["Id"])
        record["central_only"] = True
        if with_tags:
            record["account_tags"] = organizations.list_tags(client, account_id)
        return record

    # ------------------------------------------------------------ cache

    def get_cache_key(self, path):
        """One cache entry per inventory file and per content of the options that change what is read."""
        relevant = {name: value for name, value in self._options.items() if name not in NOT_IN_CACHE_KEY}
        digest = hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:12]
        return "{0}_{1}".format(super().get_cache_key(path), digest)

    # ------------------------------------------------------------ populating the inventory

    def _account_vars(self):
        """The account_vars option keyed by 12-digit account id."""
        return {as_account_id(key, "account_vars"): value for key, value in self.get_option("account_vars").items()}

    def _host_variables(self, record, account_vars):
        # Names, e-mails, OU paths and tags are written by whoever administers an account: never
        # templates (a name such as "{{ lookup('pipe', ...) }}" stays text).
        variables = {key: wrap_var(value) for key, value in record.items() if key != "central_only"}
        variables["ansible_connection"] = "local"
        tags = record.get("account_tags", {})
        for tag_key, variable in self.get_option("tag_variables").items():
            if tag_key in tags:
                variables[variable] = wrap_var(tags[tag_key])
        extra = account_vars.get(record["account_id"]) or {}
        if not isinstance(extra, dict):
            raise AnsibleParserError("account_vars: the value for {0} must be a dictionary of host variables".format(record["account_id"]))
        variables.update(extra)
        return variables

    def populate(self, records, central_id):
        names, clashing = host_names(records, self.get_option("hostnames"))
        if clashing:
            self.warn("Accounts {0} share a name; their hosts are named <name>-<account id>".format(", ".join(clashing)))
        self.inventory.add_group(CENTRAL_GROUP)
        self.inventory.add_group(TARGETS_GROUP)
        strict = self.get_option("strict")
        account_vars = self._account_vars()
        for record in records:
            host = names[record["account_id"]]
            self.inventory.add_host(host)
            if record["account_id"] == central_id:
                self.inventory.add_host(host, group=CENTRAL_GROUP)
            if not record.get("central_only"):
                self.inventory.add_host(host, group=TARGETS_GROUP)
            variables = self._host_variables(record, account_vars)
            if central_id:
                # Every host knows the central account, so an inventory slice without the
                # central host (AWX job slicing, --limit) still derives the topic's ARN.
                variables.setdefault(CENTRAL_ACCOUNT_VARIABLE, central_id)
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)
        if central_id:
            # The central policies name every target account: an AWX job slice that holds the central
            # account but only part of the targets still lists them all.
            targets = [record["account_id"] for record in records if not record.get("central_only")]
            self.inventory.set_variable(names[central_id], TARGET_ACCOUNTS_VARIABLE, targets)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        selection = self._selection_options()
        with_tags = self._tags_wanted(selection)
        if not (selection["central_id"] or selection["central_tag"]):
            self.warn("{0}: neither central_account_id nor central_account_tag is set, the group 'central' stays empty".format(path))

        found_in_cache, cached = self.get_cached_result(path, cache)
        if found_in_cache:
            records, central_id = cached["accounts"], cached["central_account_id"]
        else:
            records, central_id = self.read_accounts(self.organizations_client(), selection, with_tags)
            self.update_cached_result(path, cache, {"accounts": records, "central_account_id": central_id})
        if not [record for record in records if not record.get("central_only")]:
            # A scheduled run over an empty selection would check nothing and succeed.
            raise AnsibleParserError(
                "{0}: the selection matches no account of the organization: check organizational_units, account_ids, "
                "account_names, the tag filters and states".format(path))
        self.populate(records, central_id)
