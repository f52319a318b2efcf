# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Install Ansible's collection loader before any unit test imports `ansible_collections`.

`make venv` links the checkout at .build/collections/ansible_collections/cloudsec/aged_keys.
The loader is installed as `ansible-playbook` and `ansible-inventory` install it: the inventory
plugin tests need Ansible's plugin loader to find the plugin, and an `ansible_collections`
package imported before the loader is installed cannot be loaded afterwards.
"""

import os

from ansible.plugins.loader import init_plugin_loader

init_plugin_loader([os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".build", "collections"))])
